/**
 * MLflow's run search grammar (`runs/search` `filter` and `order_by`), parsed into clauses the
 * tracking store turns into SQL. The grammar is MLflow's "simplified SQL WHERE": expressions
 * joined by AND (no OR), each `<entity>.<key> <comparator> <value>`:
 *
 *   metrics.rmse < 1 and params.model_class = 'LogisticRegression'
 *   tags."user-name" = 'x'   attributes.status != 'FAILED'   attributes.run_id IN ('a', 'b')
 *
 * Errors are MLflow's own INVALID_PARAMETER_VALUE messages (mlflow/utils/search_utils.py).
 */
import { invalidParameter } from './wire.js';

export type EntityType = 'metric' | 'parameter' | 'tag' | 'attribute';

/** One `<entity>.<key> <comparator> <value>` expression. */
export interface FilterClause {
  type: EntityType;
  key: string;
  comparator: string;
  /** A number for metrics and numeric attributes, a string otherwise, a list for IN / NOT IN. */
  value: number | string | string[];
}

/** One `order_by` entry. */
export interface OrderClause {
  type: EntityType;
  key: string;
  ascending: boolean;
}

const ENTITY_ALIASES: Record<string, EntityType> = {
  metric: 'metric', metrics: 'metric',
  parameter: 'parameter', param: 'parameter', params: 'parameter',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
};
const NUMERIC_COMPARATORS = ['>', '>=', '!=', '=', '<', '<='];
const STRING_COMPARATORS = ['!=', '=', 'LIKE', 'ILIKE'];
/** Attribute keys, MLflow's `RunInfo` searchable names. */
export const STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'lifecycle_stage'];
export const NUMERIC_ATTRIBUTES = ['start_time', 'end_time', 'created'];
const ALL_ATTRIBUTES = [...STRING_ATTRIBUTES, ...NUMERIC_ATTRIBUTES];
const ATTRIBUTE_ALIASES: Record<string, string> = { 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name', created: 'start_time', Created: 'start_time' };

interface Token { kind: 'word' | 'quoted' | 'backquoted' | 'dquoted' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string }

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = input.indexOf(ch, i + 1);
      if (end < 0) throw invalidParameter(`Invalid filter '${input}'. Could not be parsed.`);
      tokens.push({ kind: ch === "'" ? 'quoted' : ch === '"' ? 'dquoted' : 'backquoted', text: input.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (ch === '(') { tokens.push({ kind: 'lparen', text: ch }); i++; continue; }
    if (ch === ')') { tokens.push({ kind: 'rparen', text: ch }); i++; continue; }
    if (ch === ',') { tokens.push({ kind: 'comma', text: ch }); i++; continue; }
    const op = /^(>=|<=|!=|<>|=|<|>)/.exec(input.slice(i));
    if (op) { tokens.push({ kind: 'op', text: op[1]! }); i += op[1]!.length; continue; }
    const word = /^[^\s'"`()=<>!,]+/.exec(input.slice(i));
    if (!word) throw invalidParameter(`Invalid filter '${input}'. Could not be parsed.`);
    tokens.push({ kind: 'word', text: word[0] });
    i += word[0].length;
  }
  return tokens;
}

/** Splits `metrics.rmse` / `tags."a b"` (tokens up to the comparator) into entity and key. */
function identifier(parts: Token[], source: string): { type: EntityType; key: string } {
  const text = parts.map((t) => (t.kind === 'word' ? t.text : `"${t.text}"`)).join('');
  const first = parts[0];
  if (!first || first.kind !== 'word') throw invalidParameter(`Invalid identifier '${text}'. Could not be parsed in '${source}'.`);
  const dot = first.text.indexOf('.');
  if (dot < 0) {
    throw invalidParameter(
      `Invalid identifier '${text}'. Columns should be specified as 'attribute.<key_name>', 'metric.<key_name>', 'tag.<key_name>', or 'params.<key_name>'.`,
    );
  }
  const entity = first.text.slice(0, dot);
  const type = ENTITY_ALIASES[entity.toLowerCase()];
  if (!type) {
    throw invalidParameter(`Invalid entity type '${entity}'. Valid values are ['metric', 'parameter', 'tag', 'attribute']`);
  }
  let key = first.text.slice(dot + 1);
  if (parts.length > 1) {
    if (key !== '' || parts.length > 2) throw invalidParameter(`Invalid identifier '${text}'. Could not be parsed in '${source}'.`);
    key = parts[1]!.text;
  }
  if (key === '') throw invalidParameter(`Invalid identifier '${text}'. Could not be parsed in '${source}'.`);
  if (type === 'attribute') {
    key = ATTRIBUTE_ALIASES[key] ?? key;
    if (!ALL_ATTRIBUTES.includes(key)) {
      throw invalidParameter(`Invalid attribute key '${key}' specified. Valid keys are '${JSON.stringify(ALL_ATTRIBUTES).replace(/"/g, "'").replace(/,/g, ', ')}'`);
    }
  }
  return { type, key };
}

const typeWord = (type: EntityType): string => (type === 'parameter' ? 'parameter' : type);

/**
 * Parses a runs/search filter into AND-ed clauses ([] for an empty filter).
 *
 * @example parseRunFilter("metrics.acc > 0.9 and params.opt = 'adam'")
 *   // [{ type: 'metric', key: 'acc', comparator: '>', value: 0.9 }, { type: 'parameter', key: 'opt', comparator: '=', value: 'adam' }]
 * @throws MlflowError INVALID_PARAMETER_VALUE with MLflow's message.
 */
export function parseRunFilter(filter: string | undefined): FilterClause[] {
  if (!filter || filter.trim() === '') return [];
  const tokens = tokenize(filter);
  const clauses: FilterClause[] = [];
  let i = 0;
  while (i < tokens.length) {
    // identifier tokens run up to the comparator (an op, or LIKE / ILIKE / IN / NOT IN)
    const idParts: Token[] = [];
    while (i < tokens.length && tokens[i]!.kind !== 'op' && !isWordComparator(tokens, i)) {
      if (tokens[i]!.kind === 'word' && tokens[i]!.text.toUpperCase() === 'OR') throw invalidParameter(`Invalid clause(s) in filter string: 'OR'`);
      idParts.push(tokens[i]!);
      i++;
    }
    if (i >= tokens.length) throw invalidParameter(`Invalid clause(s) in filter string: '${filter}'`);
    const { type, key } = identifier(idParts, filter);
    let comparator: string;
    if (tokens[i]!.kind === 'op') comparator = tokens[i++]!.text === '<>' ? '!=' : tokens[i - 1]!.text;
    else if (tokens[i]!.text.toUpperCase() === 'NOT') { comparator = 'NOT IN'; i += 2; }
    else comparator = tokens[i++]!.text.toUpperCase();
    let value: FilterClause['value'];
    const tok = tokens[i];
    if (!tok) throw invalidParameter(`Invalid clause(s) in filter string: '${filter}'`);
    if (comparator === 'IN' || comparator === 'NOT IN') {
      if (tok.kind !== 'lparen') throw invalidParameter(`While parsing a list in the query, expected a non-empty list of string values, but got ${tok.text}`);
      const list: string[] = [];
      i++;
      while (i < tokens.length && tokens[i]!.kind !== 'rparen') {
        const t = tokens[i]!;
        if (t.kind === 'quoted' || t.kind === 'dquoted') list.push(t.text);
        else if (t.kind !== 'comma') throw invalidParameter(`While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: ${t.text}`);
        i++;
      }
      if (i >= tokens.length || list.length === 0) throw invalidParameter('While parsing a list in the query, expected a non-empty list of string values, but got empty list');
      i++;
      value = list;
    } else {
      i++;
      value = tok.kind === 'word' ? tok.text : tok.text;
      if (tok.kind === 'word') {
        const n = Number(tok.text);
        value = Number.isFinite(n) ? n : tok.text;
      }
      if (tok.kind === 'lparen' || tok.kind === 'rparen' || tok.kind === 'comma' || tok.kind === 'op') {
        throw invalidParameter(`Invalid clause(s) in filter string: '${filter}'`);
      }
    }
    clauses.push(checkClause({ type, key, comparator, value }, tok));
    if (i < tokens.length) {
      const and = tokens[i]!;
      if (and.kind !== 'word' || and.text.toUpperCase() !== 'AND') throw invalidParameter(`Invalid clause(s) in filter string: '${and.text}'`);
      i++;
      if (i >= tokens.length) throw invalidParameter(`Invalid clause(s) in filter string: '${filter}'`);
    }
  }
  return clauses;
}

function isWordComparator(tokens: Token[], i: number): boolean {
  const t = tokens[i]!;
  if (t.kind !== 'word') return false;
  const w = t.text.toUpperCase();
  if (w === 'LIKE' || w === 'ILIKE' || w === 'IN') return true;
  return w === 'NOT' && tokens[i + 1]?.kind === 'word' && tokens[i + 1]!.text.toUpperCase() === 'IN';
}

function checkClause(clause: FilterClause, tok: Token): FilterClause {
  const { type, key, comparator, value } = clause;
  const numeric = type === 'metric' || (type === 'attribute' && NUMERIC_ATTRIBUTES.includes(key));
  const allowed = numeric ? NUMERIC_COMPARATORS
    : type === 'attribute' && key === 'run_id' ? [...STRING_COMPARATORS, 'IN', 'NOT IN'] : STRING_COMPARATORS;
  if (!allowed.includes(comparator)) {
    throw invalidParameter(`Invalid comparator '${comparator}' not one of '${JSON.stringify(allowed).replace(/"/g, "'").replace(/,/g, ', ')}'`);
  }
  if (Array.isArray(value)) return clause;
  if (numeric) {
    if (typeof value !== 'number' || tok.kind !== 'word') {
      throw invalidParameter(`Expected numeric value type for ${typeWord(type)}. Found ${tok.kind === 'word' ? tok.text : `'${tok.text}'`}`);
    }
    return clause;
  }
  if (tok.kind !== 'quoted' && tok.kind !== 'dquoted') {
    throw invalidParameter(`Expected a quoted string value for ${typeWord(type)} (e.g. 'my-value'). Got value ${tok.text}`);
  }
  return { ...clause, value: String(tok.text) };
}

/**
 * Parses `order_by` entries (`metrics.rmse DESC`, `attributes.start_time`, `params.lr ASC`).
 *
 * @example parseOrderBy(['metrics.rmse DESC']) // [{ type: 'metric', key: 'rmse', ascending: false }]
 */
export function parseOrderBy(orderBy: string[] | undefined): OrderClause[] {
  return (orderBy ?? []).map((entry) => {
    const m = /^(.*?)(?:\s+(ASC|DESC))?\s*$/i.exec(entry.trim());
    const body = m?.[1] ?? '';
    const tokens = tokenize(body);
    if (tokens.length === 0) throw invalidParameter(`Invalid order_by clause '${entry}'. Could not be parsed.`);
    const { type, key } = identifier(tokens, entry);
    return { type, key, ascending: (m?.[2] ?? 'ASC').toUpperCase() === 'ASC' };
  });
}
