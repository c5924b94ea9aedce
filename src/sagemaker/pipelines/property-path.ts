/**
 * Property paths (`ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`,
 * `FinalMetricDataList['val:acc'].Value`, `TrainingJobSummaries[0]`) and JsonGet paths
 * (`regression_metrics.mse.value`, `$.a[1]`): parsing and lookup (PIPELINES.md §5.2, §5.4).
 */

/** One step of a path: a member, a list index, or a quoted key (map key or list element name). */
export type PathSegment = { member: string } | { index: number } | { key: string };

/**
 * A path that does not parse.
 *
 * @example parsePath('a[') // throws PathSyntaxError
 */
export class PathSyntaxError extends Error {
  override name = 'PathSyntaxError';
}

/**
 * Parses a dotted path with `[n]` and `['k']` / `["k"]` accessors; a leading `$` or `$.` is allowed.
 *
 * @example parsePath("Outputs['train'].S3Output") // [{member:'Outputs'},{key:'train'},{member:'S3Output'}]
 */
export function parsePath(path: string): PathSegment[] {
  let i = 0;
  const out: PathSegment[] = [];
  if (path.startsWith('$')) i = path[1] === '.' ? 2 : 1;
  const fail = (): never => {
    throw new PathSyntaxError(`Invalid path '${path}'`);
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      if (out.length === 0 || i + 1 >= path.length) fail();
      i++;
      continue;
    }
    if (c === '[') {
      const q = path[i + 1];
      if (q === "'" || q === '"') {
        const end = path.indexOf(`${q}]`, i + 2);
        if (end < 0) fail();
        out.push({ key: path.slice(i + 2, end) });
        i = end + 2;
      } else {
        const end = path.indexOf(']', i + 1);
        const text = end < 0 ? '' : path.slice(i + 1, end);
        if (!/^-?\d+$/.test(text)) fail();
        out.push({ index: Number(text) });
        i = end + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    out.push({ member: path.slice(i, j) });
    i = j;
  }
  if (out.length === 0) fail();
  return out;
}

/** Members that name the elements of the lists the SDK indexes by name. */
const NAME_KEYS = ['OutputName', 'InputName', 'MetricName', 'Name', 'ChannelName', 'VariantName', 'PropertyFileName'];

/**
 * Follows a parsed path into a JSON-like value. `['k']` on a list picks the element whose
 * natural name member equals k. Undefined when any step is missing.
 *
 * @example lookupPath({ Outputs: [{ OutputName: 'train', S3Uri: 's3://b/t' }] }, parsePath("Outputs['train'].S3Uri")) // 's3://b/t'
 */
export function lookupPath(root: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (cur === null || cur === undefined) return undefined;
    if ('index' in seg) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg.index < 0 ? cur.length + seg.index : seg.index];
    } else if ('key' in seg) {
      if (Array.isArray(cur)) {
        cur = cur.find((e) => e && typeof e === 'object' && NAME_KEYS.some((k) => (e as Record<string, unknown>)[k] === seg.key));
      } else if (typeof cur === 'object') {
        cur = Object.prototype.hasOwnProperty.call(cur, seg.key) ? (cur as Record<string, unknown>)[seg.key] : undefined;
      } else return undefined;
    } else {
      if (typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      cur = Object.prototype.hasOwnProperty.call(cur, seg.member) ? (cur as Record<string, unknown>)[seg.member] : undefined;
    }
  }
  return cur;
}
