import { validation } from '../../aws/service-error.js';

/**
 * Hub content versions and document schema versions: `<major>.<minor>.<patch>`,
 * each part 1-4 digits (the model's `\d{1,4}.\d{1,4}.\d{1,4}`).
 *
 * The model's pattern leaves the dot unescaped, so shape validation lets
 * `1-0-0` through; sagebox refuses any separator other than `.` here
 * (ValidationException), since versions are compared numerically.
 *
 * Versions compare by number, part by part: `1.10.0` is newer than `1.9.0`,
 * and `1.0.0` and `01.00.0` are the same version. The store keeps a sort key
 * with each part zero-padded to four digits (`0001.0010.0000`), so SQL string
 * order is version order.
 *
 * @example
 *   versionKey('1.10.0', 'hubContentVersion')  // '0001.0010.0000'
 *   compareVersions('1.9.0', '1.10.0')          // negative
 */
const VERSION = /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/;

/** The parts of a version, or a ValidationException naming the member. */
export function parseVersion(value: string, member: string): [number, number, number] {
  const m = VERSION.exec(value);
  if (!m) {
    throw validation(
      `Invalid ${member} '${value}': a version is <major>.<minor>.<patch>, each 1 to 4 digits separated by '.', e.g. 1.0.0.`,
    );
  }
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The zero-padded sort key of a version (see above). */
export function versionKey(value: string, member: string): string {
  return parseVersion(value, member).map((p) => String(p).padStart(4, '0')).join('.');
}

/** True when `value` is a well-formed version. */
export function isVersion(value: string): boolean {
  return VERSION.test(value);
}

/** Numeric comparison of two well-formed versions. */
export function compareVersions(a: string, b: string): number {
  const ka = versionKey(a, 'version');
  const kb = versionKey(b, 'version');
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** `<major + 1>.0.0`: the version ImportHubContent gives a new version of existing content when none is asked for. */
export function nextMajor(version: string): string {
  const [major] = parseVersion(version, 'hubContentVersion');
  return `${major + 1}.0.0`;
}
