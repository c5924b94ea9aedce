/**
 * Who holds a lease. An owner id is `<host>/<pid>/<process start time>`, so a restarted sagebox
 * on the same machine can tell at once that the previous owner is dead (its pid is gone, or was
 * reused by a process that started at another time) instead of waiting for the lease to run out.
 * Owners on other hosts are judged by lease expiry alone.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/**
 * This process's owner id, made unique per engine with a suffix.
 *
 * @example ownerId('a') // 'myhost/4242/123456/a'
 */
export function ownerId(suffix: string): string {
  return `${os.hostname()}/${process.pid}/${startTimeOf(process.pid) ?? '0'}/${suffix}`;
}

/**
 * Whether an owner is certainly dead: same host, and its pid is gone or belongs to another
 * process. `false` means alive or unknown (another host): wait for its lease to expire.
 *
 * @example isOwnerDead('myhost/1/999/x') // true when pid 1 did not start at tick 999
 */
export function isOwnerDead(owner: string): boolean {
  const [host, pidText, start] = owner.split('/');
  if (host !== os.hostname() || !pidText || !start) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid && start === (startTimeOf(pid) ?? '0')) return false; // ourselves (another engine instance in this process)
  if (start === '0') {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  }
  return startTimeOf(pid) !== start;
}
