/**
 * Time, as the engine sees it. Lease expiry, heartbeats and retry back-off read `now()` so tests
 * can move time forward without waiting (timers still run on the real event loop; tests drive
 * the engine with `pollOnce()` instead).
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to.
 *
 * @example
 *   const clock = new ManualClock(1_700_000_000_000);
 *   clock.advance(60_000); // a minute later: leases taken before have expired
 */
export class ManualClock implements Clock {
  constructor(private current = Date.now()) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}
