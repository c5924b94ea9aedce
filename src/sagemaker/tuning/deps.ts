import type { FeatureDeps } from '../../feature.js';

/** What the tuning operations and driver use (a subset of FeatureDeps, so tests can build it). */
export type TuningDeps = Pick<FeatureDeps, 'store' | 'engine' | 'clock' | 'logger' | 'invoke'> & {
  /** Wakes a tuning job's driver (a child ended, a stop was asked for). */
  nudge(tuningJobId?: number): void;
};
