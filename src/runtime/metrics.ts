/**
 * MetricDefinitions over log lines (SAGEMAKER-SEMANTICS §2.6): each definition's regex is
 * searched in every stdout/stderr line; the first capture group (the whole match when there is
 * none) parsed as a Python float is a data point. Non-floats, and NaN/±inf (CloudWatch refuses
 * them, and JSON cannot carry them), are ignored. The last point per metric is its final value.
 *
 * Regexes are Python's (`re`), translated to JS where the syntax differs: `(?P<n>…)` → `(?<n>…)`,
 * `(?P=n)` → `\k<n>`, `\A`/`\Z` → `^`/`$`, leading inline flags `(?i)`, `(?s)`, `(?m)` → JS flags.
 */

/** `{Name, Regex}` as in AlgorithmSpecification.MetricDefinitions. */
export interface MetricDefinition {
  Name: string;
  Regex: string;
}

/** One observation. */
export interface MetricPoint {
  name: string;
  value: number;
  /** Epoch milliseconds of the log line. */
  timestamp: number;
  /** 0-based count of earlier points of the same metric (an x axis when a chart wants one). */
  step: number;
}

/** A definition whose regex cannot be compiled. */
export class MetricRegexError extends Error {
  override name = 'MetricRegexError';
}

/**
 * Translates a Python regex into a JS RegExp.
 *
 * @example pythonRegex('(?i)loss=(?P<v>[0-9.]+)') // /loss=(?<v>[0-9.]+)/i
 * @throws MetricRegexError when the result is not a valid JS regex.
 */
export function pythonRegex(source: string): RegExp {
  let flags = '';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]!) {
      if ((f === 'i' || f === 's' || f === 'm') && !flags.includes(f)) flags += f;
      else if (f === 'x') throw new MetricRegexError(`verbose regexes ((?x)) are not supported: '${source}'`);
    }
  }
  body = body
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$$');
  try {
    return new RegExp(body, flags);
  } catch (error) {
    throw new MetricRegexError(`metric regex '${source}' is not valid: ${(error as Error).message}`);
  }
}

const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;

/**
 * Python's `float()` on a captured string, or undefined (also for nan/inf).
 *
 * @example parsePythonFloat(' 1_000.5 ') // 1000.5;  parsePythonFloat('abc') // undefined
 */
export function parsePythonFloat(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PY_FLOAT.test(trimmed)) return undefined;
  const value = Number(trimmed.replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Applies MetricDefinitions to log lines and keeps the last value of each metric.
 *
 * @example
 *   const m = new MetricCollector([{ Name: 'train:loss', Regex: 'loss=([0-9.]+)' }]);
 *   m.observe('epoch 1 loss=0.5', Date.now()); // [{ name: 'train:loss', value: 0.5, timestamp, step: 0 }]
 *   m.finalMetrics();                          // [{ name: 'train:loss', value: 0.5, timestamp, step: 0 }]
 */
export class MetricCollector {
  private readonly compiled: { name: string; regex: RegExp }[];
  private readonly last = new Map<string, MetricPoint>();

  /** @throws MetricRegexError naming the first bad regex. */
  constructor(definitions: readonly MetricDefinition[]) {
    this.compiled = definitions.map((d) => ({ name: d.Name, regex: pythonRegex(d.Regex) }));
  }

  /** The points in one line (usually none). */
  observe(line: string, timestamp: number): MetricPoint[] {
    const points: MetricPoint[] = [];
    for (const { name, regex } of this.compiled) {
      const match = regex.exec(line);
      if (!match) continue;
      const value = parsePythonFloat(match[1] ?? match[0]);
      if (value === undefined) continue;
      const step = (this.last.get(name)?.step ?? -1) + 1;
      const point = { name, value, timestamp, step };
      this.last.set(name, point);
      points.push(point);
    }
    return points;
  }

  /** The last point of every metric seen, in definition order (FinalMetricDataList). */
  finalMetrics(): MetricPoint[] {
    return this.compiled.map((c) => this.last.get(c.name)).filter((p): p is MetricPoint => p !== undefined);
  }
}
