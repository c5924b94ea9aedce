/**
 * Processing job logs in the CloudWatch-Logs store, group `/aws/sagemaker/ProcessingJobs`, one
 * stream per attempt named `<job>/algo-1-<epoch seconds>` as SageMaker names them. The lines are
 * written by the training log writer (JobOutputWriter: batched, bounded, truncation marker),
 * reused as it is; only the stream row is ours, since its opener is the training group's.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { JobOutputWriter, logStreamName } from '../training/log-writer.js';

export const PROCESSING_LOG_GROUP = '/aws/sagemaker/ProcessingJobs';
export { logStreamName };

/**
 * Creates (or reuses) a stream in the processing log group; returns its id.
 *
 * @example const id = await openProcessingLogStream(db, { accountId, region }, logStreamName('prep', Date.now()), Date.now());
 */
export async function openProcessingLogStream(
  db: Kysely<Database>, where: { accountId: string; region: string }, streamName: string, now: number,
): Promise<number> {
  const existing = await db.selectFrom('log_streams').select('id')
    .where('account_id', '=', where.accountId).where('region', '=', where.region)
    .where('group_name', '=', PROCESSING_LOG_GROUP).where('stream_name', '=', streamName).executeTakeFirst();
  if (existing) return Number(existing.id);
  const row = await db.insertInto('log_streams').values({
    account_id: where.accountId, region: where.region, group_name: PROCESSING_LOG_GROUP, stream_name: streamName,
    // job_id references training jobs (004); a processing stream belongs to none.
    job_id: null, creation_time: now, first_event_time: null, last_event_time: null, last_ingestion_time: null,
    stored_bytes: 0, event_count: 0, truncated: 0,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * A writer for a processing stream (no metrics: processing jobs have no MetricDefinitions).
 *
 * @example const w = await processingLogWriter(db, streamId, 100_000); w.line('hello', Date.now()); await w.close();
 */
export async function processingLogWriter(db: Kysely<Database>, streamId: number, maxEvents: number, now?: () => number): Promise<JobOutputWriter> {
  // The job id only keys metric points, which a processing job never writes.
  const writer = new JobOutputWriter(db, streamId, 0, 1, { maxEvents, ...(now ? { now } : {}) });
  await writer.init();
  return writer;
}
