import type { Generated, Selectable } from 'kysely';

/**
 * The processing-job table (migration `007_processing`), added to the store's `Database` type by
 * module augmentation so that `store.db` knows it without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    processing_jobs: ProcessingJobTable;
  }
}

/**
 * One processing job. The request is kept as sent (defaults filled in); `state` holds what it did.
 *
 * @example await db.selectFrom('processing_jobs').selectAll().where('name_key', '=', 'prep').executeTakeFirst()
 */
export interface ProcessingJobTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling, echoed as ProcessingJobName. */
  name: string;
  /** lower(name): names are unique case-insensitively. */
  name_key: string;
  arn: string;
  /** ProcessingJobStatus. */
  status: string;
  creation_time: number;
  last_modified_time: number;
  processing_start_time: number | null;
  processing_end_time: number | null;
  failure_reason: string | null;
  exit_message: string | null;
  /** JSON: the CreateProcessingJob request without Tags (what Describe echoes). */
  request: string;
  /** JSON: ProcessingJobState. */
  state: string;
}

export type ProcessingJobRow = Selectable<ProcessingJobTable>;
