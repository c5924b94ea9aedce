/**
 * ListHyperParameterTuningJobs and ListTrainingJobsForHyperParameterTuningJob
 * (SAGEMAKER-SEMANTICS §6.3), with keyset pages and opaque NextTokens.
 */
import type { RequestContext } from '../../aws/context.js';
import type * as T from '../../aws/generated/sagemaker/types.js';
import { listJobRows } from '../job-list.js';
import { DEFAULT_MAX_RESULTS, startPaging, takePage } from '../registry/paging.js';
import { jobObjective } from './describe.js';
import type { TuningDeps } from './deps.js';
import { tuningJobNotFound } from './messages.js';
import type { TrialRow, TuningJobRow } from './tables.js';
import { findTuningJob, loadTrials, parseTuningRequest } from './store.js';
import { statusCounters, toWire, trialSummaries } from './summaries.js';

/**
 * ListHyperParameterTuningJobs: SortBy Name (the model's default), CreationTime or Status; SortOrder Ascending by default.
 *
 * @example
 *   await listTuningJobs(deps, { SortBy: 'CreationTime', MaxResults: 10 }, ctx);
 */
export async function listTuningJobs(deps: TuningDeps, input: T.ListHyperParameterTuningJobsRequest, ctx: RequestContext): Promise<T.ListHyperParameterTuningJobsResponse> {
  const { page, nextToken } = await listJobRows<TuningJobRow>(deps.store.db, 'tuning_jobs', input, ctx, { defaultSortBy: 'Name' });
  // One query for the whole page's trials, not one per job.
  const trialsOf = new Map<number, TrialRow[]>(page.map((r) => [r.id, []]));
  if (page.length > 0) {
    const rows = await deps.store.db.selectFrom('tuning_trials').selectAll()
      .where('tuning_job_id', 'in', page.map((r) => r.id)).execute();
    for (const t of rows) trialsOf.get(t.tuning_job_id)?.push(t);
  }
  const summaries: T.HyperParameterTuningJobSummary[] = [];
  for (const r of page) {
    const req = parseTuningRequest(r);
    const counters = statusCounters(trialsOf.get(r.id)!);
    summaries.push({
      HyperParameterTuningJobName: r.name,
      HyperParameterTuningJobArn: r.arn,
      HyperParameterTuningJobStatus: r.status as T.HyperParameterTuningJobStatus,
      Strategy: r.strategy as T.HyperParameterTuningJobStrategyType,
      CreationTime: new Date(r.creation_time),
      HyperParameterTuningEndTime: r.end_time !== null ? new Date(r.end_time) : undefined,
      LastModifiedTime: new Date(r.last_modified_time),
      TrainingJobStatusCounters: counters.training,
      ObjectiveStatusCounters: counters.objective,
      ResourceLimits: req.HyperParameterTuningJobConfig.ResourceLimits,
    });
  }
  return { HyperParameterTuningJobSummaries: summaries, NextToken: nextToken };
}

/**
 * ListTrainingJobsForHyperParameterTuningJob: StatusEquals; SortBy Name (default),
 * CreationTime, Status or FinalObjectiveMetricValue (jobs without an objective are left out
 * then); SortOrder Ascending by default; MaxResults 10 by default. A tuning job has at most a
 * few thousand trials, so the page is cut from the sorted list in memory, keyed by (value, seq).
 *
 * @example
 *   await listTuningTrainingJobs(deps, { HyperParameterTuningJobName: 'mytune', SortBy: 'FinalObjectiveMetricValue' }, ctx);
 */
export async function listTuningTrainingJobs(
  deps: TuningDeps, input: T.ListTrainingJobsForHyperParameterTuningJobRequest, ctx: RequestContext,
): Promise<T.ListTrainingJobsForHyperParameterTuningJobResponse> {
  const job = await findTuningJob(deps.store.db, ctx, input.HyperParameterTuningJobName.toLowerCase());
  if (!job) throw tuningJobNotFound(input.HyperParameterTuningJobName);
  const sortBy = input.SortBy ?? 'Name';
  const order = input.SortOrder ?? 'Ascending';
  const limit = input.MaxResults ?? DEFAULT_MAX_RESULTS;
  const paging = startPaging(sortBy, order, { status: input.StatusEquals, job: job.id }, input.NextToken);
  const trials = await loadTrials(deps.store.db, job.id);
  const summaries = await trialSummaries(deps.store.db, job, trials, jobObjective(parseTuningRequest(job)));
  const keyOf = (i: number): string | number => {
    const s = summaries[i]!;
    switch (sortBy) {
      case 'Name': return s.TrainingJobName.toLowerCase();
      case 'CreationTime': return s.CreationTime;
      case 'Status': return s.TrainingJobStatus;
      default: return s.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? Number.NaN;
    }
  };
  let items = summaries.map((_, i) => i).filter((i) => !input.StatusEquals || summaries[i]!.TrainingJobStatus === input.StatusEquals);
  if (sortBy === 'FinalObjectiveMetricValue') items = items.filter((i) => summaries[i]!.FinalHyperParameterTuningJobObjectiveMetric !== undefined);
  const sign = order === 'Ascending' ? 1 : -1;
  const cmp = (a: string | number, aSeq: number, b: string | number, bSeq: number): number =>
    sign * (a < b ? -1 : a > b ? 1 : aSeq - bSeq);
  items.sort((a, b) => cmp(keyOf(a), trials[a]!.seq, keyOf(b), trials[b]!.seq));
  const after = paging.after;
  if (after) items = items.filter((i) => cmp(keyOf(i), trials[i]!.seq, after.value, after.id) > 0);
  const { page, more } = takePage(items, limit);
  const last = page.at(-1);
  return {
    TrainingJobSummaries: page.map((i) => toWire(summaries[i]!)),
    NextToken: more && last !== undefined ? paging.nextToken(keyOf(last), trials[last]!.seq) : undefined,
  };
}
