/**
 * Keeps a job's output as CloudWatch-Logs-shaped events (one stream per attempt, in the log
 * group `/aws/sagemaker/TrainingJobs`) and its metric points as a time series.
 *
 * Writes are batched (one transaction per flush, every 200 ms or 500 lines) so a chatty job
 * costs a few commits a second. Memory is bounded: when the buffer is large, `append` returns
 * a promise and the runtime pauses the job's output until the flush is done. A stream keeps
 * at most `maxEvents` events; then a marker event says the log was truncated, and later lines
 * are dropped (metrics are still parsed from them).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';

export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const FLUSH_MS = 200;
const FLUSH_LINES = 500;
/** CloudWatch's maximum event size is 256 KiB; keep messages well under it. */
const MAX_MESSAGE = 256 * 1024 - 26;

/**
 * The stream name of an attempt: `<job>/algo-1-<epoch seconds>` as SageMaker names them.
 *
 * @example logStreamName('my-job', 1700000000123) // 'my-job/algo-1-1700000000'
 */
export function logStreamName(jobName: string, startedAtMs: number): string {
  return `${jobName}/algo-1-${Math.floor(startedAtMs / 1000)}`;
}

/** Creates (or reuses) a stream row; returns its id. */
export async function openLogStream(
  db: Kysely<Database>, where: { accountId: string; region: string; jobId: number }, streamName: string, now: number,
): Promise<number> {
  const existing = await db.selectFrom('log_streams').select('id')
    .where('account_id', '=', where.accountId).where('region', '=', where.region)
    .where('group_name', '=', TRAINING_LOG_GROUP).where('stream_name', '=', streamName).executeTakeFirst();
  if (existing) return Number(existing.id);
  const row = await db.insertInto('log_streams').values({
    account_id: where.accountId, region: where.region, group_name: TRAINING_LOG_GROUP, stream_name: streamName,
    job_id: where.jobId, creation_time: now, first_event_time: null, last_event_time: null, last_ingestion_time: null,
    stored_bytes: 0, event_count: 0, truncated: 0,
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Buffers and writes log lines and metric points of one attempt.
 *
 * @example
 *   const w = new JobOutputWriter(db, streamId, jobId, 1, { maxEvents: 100_000 });
 *   onLine: (line) => w.line(line.text, line.timestamp), onMetric: (p) => w.metric(p)
 *   ...
 *   await w.close();
 */
export class JobOutputWriter {
  private lines: { text: string; timestamp: number }[] = [];
  private points: { name: string; value: number; timestamp: number; step: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stored = 0;
  private truncated = false;
  private failed: Error | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly streamId: number,
    private readonly jobId: number,
    private readonly attempt: number,
    private readonly options: { maxEvents: number; now?: () => number },
  ) {}

  /** Starts from what the stream already holds (a resumed attempt). */
  async init(): Promise<void> {
    const row = await this.db.selectFrom('log_streams').select(['event_count', 'truncated']).where('id', '=', this.streamId).executeTakeFirst();
    this.stored = Number(row?.event_count ?? 0);
    this.truncated = row?.truncated === 1;
  }

  /** Adds a line; returns a promise when the caller should wait (backpressure). */
  line(text: string, timestamp: number): void | Promise<void> {
    if (this.truncated) return;
    if (this.stored + this.lines.length >= this.options.maxEvents) {
      this.truncated = true;
      this.lines.push({
        text: `sagebox: log truncated: this stream keeps at most ${this.options.maxEvents} events (SAGEBOX_MAX_LOG_EVENTS); later output is not stored, metrics are still parsed from it`,
        timestamp,
      });
    } else {
      this.lines.push({ text: text.length > MAX_MESSAGE ? text.slice(0, MAX_MESSAGE) : text, timestamp });
    }
    return this.schedule();
  }

  metric(point: { name: string; value: number; timestamp: number; step: number }): void {
    this.points.push(point);
    void this.schedule();
  }

  private schedule(): void | Promise<void> {
    if (this.lines.length + this.points.length >= FLUSH_LINES) return this.flush();
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes what is buffered (serialised: one flush at a time). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.lines;
    const points = this.points;
    this.lines = [];
    this.points = [];
    if (lines.length === 0 && points.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(lines, points)).catch((error: Error) => {
      this.failed = error; // a full disk must not crash the job; the executor reports it at the end
    });
    return this.flushing;
  }

  private async write(lines: { text: string; timestamp: number }[], points: JobOutputWriter['points']): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < lines.length; i += 200) {
        await trx.insertInto('log_events')
          .values(lines.slice(i, i + 200).map((l) => ({ stream_id: this.streamId, timestamp: l.timestamp, ingestion_time: now, message: l.text })))
          .execute();
      }
      for (let i = 0; i < points.length; i += 200) {
        await trx.insertInto('training_metrics')
          .values(points.slice(i, i + 200).map((p) => ({ job_id: this.jobId, attempt: this.attempt, name: p.name, step: p.step, value: p.value, timestamp: p.timestamp })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      if (lines.length > 0) {
        const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l.text) + 26, 0);
        const first = Math.min(...lines.map((l) => l.timestamp));
        const last = Math.max(...lines.map((l) => l.timestamp));
        await trx.updateTable('log_streams').set((eb) => ({
          event_count: eb('event_count', '+', lines.length),
          stored_bytes: eb('stored_bytes', '+', bytes),
          first_event_time: eb.fn.coalesce('first_event_time', eb.val(first)),
          last_event_time: last,
          last_ingestion_time: now,
          truncated: this.truncated ? 1 : 0,
        })).where('id', '=', this.streamId).execute();
      }
    });
    this.stored += lines.length;
  }

  /** Flushes and reports a write failure, if any. */
  async close(): Promise<Error | undefined> {
    await this.flush();
    await this.flushing;
    return this.failed;
  }
}
