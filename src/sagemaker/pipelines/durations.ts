/**
 * CacheConfig.ExpireAfter durations (PIPELINES.md §8.8). The sources show `PT1H`, `P30D`,
 * `P4DT12H`, `p30d`, `30d`, `T16m`, `5y`, `30dT5h`: parsed case-insensitively, with or without
 * the leading P; y, m(onth), w, d before T and h, m(inute), s after it. A month is 30 days and a
 * year 365 (the service does not say).
 */

const DATE_UNITS: Record<string, number> = { y: 365 * 86_400_000, m: 30 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000 };
const TIME_UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };

/**
 * Milliseconds of a duration, or undefined when it does not parse.
 *
 * @example parseDuration('PT12H') === 43_200_000; parseDuration('30d') === 2_592_000_000
 */
export function parseDuration(text: string): number | undefined {
  const m = /^p?((?:\d+(?:\.\d+)?[ymwd])*)(?:t((?:\d+(?:\.\d+)?[hms])+))?$/i.exec(text.trim());
  if (!m || (!m[1] && !m[2])) return undefined;
  let ms = 0;
  for (const [, n, u] of (m[1] ?? '').matchAll(/(\d+(?:\.\d+)?)([ymwd])/gi)) ms += Number(n) * DATE_UNITS[u!.toLowerCase()]!;
  for (const [, n, u] of (m[2] ?? '').matchAll(/(\d+(?:\.\d+)?)([hms])/gi)) ms += Number(n) * TIME_UNITS[u!.toLowerCase()]!;
  return ms;
}
