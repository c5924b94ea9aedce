import type { Generated, Selectable } from 'kysely';

/**
 * The tuning tables (migration `006_tuning`), added to the store's `Database` type by module
 * augmentation so that `store.db` knows them without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    tuning_jobs: TuningJobTable;
    tuning_trials: TuningTrialTable;
  }
}

/** One hyperparameter tuning job. */
export interface TuningJobTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling (echoed as HyperParameterTuningJobName). */
  name: string;
  /** lower(name): tuning job names are unique case-insensitively. */
  name_key: string;
  arn: string;
  /** HyperParameterTuningJobStatus. */
  status: string;
  strategy: string;
  creation_time: number;
  last_modified_time: number;
  end_time: number | null;
  failure_reason: string | null;
  /** JSON: the CreateHyperParameterTuningJob request as Describe echoes it (Tags kept apart). */
  request: string;
  /** JSON: TuningState (completion details, warm-start parents' observations, GP warm start). */
  state: string;
}

/** One trial: a training job the tuning job launched (or is launching). */
export interface TuningTrialTable {
  id: Generated<number>;
  tuning_job_id: number;
  /** 1-based launch order; also the NNN of the child's name. */
  seq: number;
  training_job_name: string;
  /** Set once CreateTrainingJob succeeded. */
  training_job_id: number | null;
  definition_name: string | null;
  /** JSON: tuned hyperparameters as strings (TunedHyperParameters). */
  tuned: string;
  /** creating | running | completed | failed | stopped. */
  state: string;
  /** Pending | Succeeded | Failed (ObjectiveStatus). */
  objective_status: string;
  /** The final objective metric value (as the job reported it, not oriented). */
  objective: number | null;
  /** 1 when the job failed with an internal (retryable) error. */
  retryable: number;
  /** 1 when the tuning job stopped it early (median rule or Hyperband). */
  early_stopped: number;
  /** Hyperband bracket, or null. */
  bracket: number | null;
  creation_time: number;
  /** Why the training job could not be created (the job's own FailureReason is read from it). */
  failure_reason: string | null;
  /** When the trial reached its final state (completion order for the completion criteria). */
  end_time: number | null;
}

export type TuningJobRow = Selectable<TuningJobTable>;
export type TrialRow = Selectable<TuningTrialTable>;
