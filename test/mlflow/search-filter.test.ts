/** MLflow's run filter grammar, parsed (the SQL side is covered by rest-api.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrderBy, parseRunFilter } from '../../src/mlflow/search-filter.js';
import { likeToGlob } from '../../src/mlflow/runs-search.js';
import { MlflowError } from '../../src/mlflow/wire.js';

test('clauses, aliases, quoting', () => {
  assert.deepEqual(parseRunFilter("metrics.rmse < 1 and params.model_class = 'LogisticRegression'"), [
    { type: 'metric', key: 'rmse', comparator: '<', value: 1 },
    { type: 'parameter', key: 'model_class', comparator: '=', value: 'LogisticRegression' },
  ]);
  assert.deepEqual(parseRunFilter('tags."user-name" = \'x\' AND metric.`a b` >= -2.5e-3'), [
    { type: 'tag', key: 'user-name', comparator: '=', value: 'x' },
    { type: 'metric', key: 'a b', comparator: '>=', value: -0.0025 },
  ]);
  assert.deepEqual(parseRunFilter("attr.status != 'FAILED' and run.run_name ILIKE '%job%' and attributes.start_time > 5"), [
    { type: 'attribute', key: 'status', comparator: '!=', value: 'FAILED' },
    { type: 'attribute', key: 'run_name', comparator: 'ILIKE', value: '%job%' },
    { type: 'attribute', key: 'start_time', comparator: '>', value: 5 },
  ]);
  assert.deepEqual(parseRunFilter("attributes.run_id NOT IN ('a', \"b\")"), [{ type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['a', 'b'] }]);
  assert.deepEqual(parseRunFilter('  '), []);
});

test('errors are INVALID_PARAMETER_VALUE with MLflow messages', () => {
  const bad = (filter: string, message: string) =>
    assert.throws(() => parseRunFilter(filter), (e: unknown) => e instanceof MlflowError && e.errorCode === 'INVALID_PARAMETER_VALUE' && e.message === message);
  bad('metrics.a', "Invalid clause(s) in filter string: 'metrics.a'");
  bad("rmse < 1", "Invalid identifier 'rmse'. Columns should be specified as 'attribute.<key_name>', 'metric.<key_name>', 'tag.<key_name>', or 'params.<key_name>'.");
  bad("metrics.a < 1 and", "Invalid clause(s) in filter string: 'metrics.a < 1 and'");
  bad("metrics.a LIKE 1", "Invalid comparator 'LIKE' not one of '['>', '>=', '!=', '=', '<', '<=']'");
  bad("tags.t = 'x' metrics.a < 1", "Invalid clause(s) in filter string: 'metrics.a'");
  bad("params.p IN ('x')", "Invalid comparator 'IN' not one of '['!=', '=', 'LIKE', 'ILIKE']'");
});

test('order_by and LIKE → GLOB', () => {
  assert.deepEqual(parseOrderBy(['metrics.rmse DESC', 'attributes.start_time', 'params.`lr` asc']), [
    { type: 'metric', key: 'rmse', ascending: false },
    { type: 'attribute', key: 'start_time', ascending: true },
    { type: 'parameter', key: 'lr', ascending: true },
  ]);
  assert.equal(likeToGlob('a%b_c*[d]?'), 'a*b?c[*][[]d[]][?]');
});
