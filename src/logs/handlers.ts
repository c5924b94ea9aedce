/**
 * The CloudWatch Logs reads SageMaker users need, over the log streams the training executor
 * writes: DescribeLogGroups, DescribeLogStreams, GetLogEvents, FilterLogEvents. Shapes and
 * token behaviour follow CloudWatch Logs: GetLogEvents always answers a nextForwardToken, and
 * the same token again once the end is reached (how the SageMaker SDK and `aws logs
 * get-log-events` notice the end); FilterLogEvents pages with an opaque nextToken.
 */
import type { Kysely } from 'kysely';
import type { RequestContext } from '../aws/context.js';
import { ServiceError } from '../aws/service-error.js';
import type { Database } from '../store/schema.js';
import { matcher } from './filter-pattern.js';

const notFound = (what: 'group' | 'stream'): ServiceError =>
  new ServiceError('ResourceNotFoundException', `The specified log ${what} does not exist.`);
const invalid = (message: string): ServiceError => new ServiceError('InvalidParameterException', message);

type Ctx = Pick<RequestContext, 'accountId' | 'region'>;

/** logGroupName, or the name inside logGroupIdentifier (a name or an ARN). */
function groupOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if (input.logGroupName && input.logGroupIdentifier) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (!id) throw invalid('Should provide either logGroupName or logGroupIdentifier.');
  const arn = /^arn:aws[a-z-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(:\*)?$/.exec(id);
  return arn ? arn[1]! : id;
}

const groupArn = (ctx: Ctx, group: string): string => `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${group}`;

async function groupExists(db: Kysely<Database>, ctx: Ctx, group: string): Promise<boolean> {
  const row = await db.selectFrom('log_streams').select('id').where('account_id', '=', ctx.accountId)
    .where('region', '=', ctx.region).where('group_name', '=', group).limit(1).executeTakeFirst();
  return row !== undefined;
}

function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function decodeToken<T>(token: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw invalid('The specified nextToken is invalid.');
  }
}

export interface DescribeLogGroupsInput { logGroupNamePrefix?: string; logGroupNamePattern?: string; limit?: number; nextToken?: string }

export async function describeLogGroups(db: Kysely<Database>, input: DescribeLogGroupsInput, ctx: Ctx) {
  const rows = await db.selectFrom('log_streams')
    .select(['group_name', (eb) => eb.fn.min('creation_time').as('created'), (eb) => eb.fn.sum<number>('stored_bytes').as('bytes')])
    .where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).groupBy('group_name').orderBy('group_name').execute();
  const groups = rows.filter((r) => (!input.logGroupNamePrefix || r.group_name.startsWith(input.logGroupNamePrefix)) &&
    (!input.logGroupNamePattern || r.group_name.toLowerCase().includes(input.logGroupNamePattern.toLowerCase())));
  return {
    logGroups: groups.slice(0, input.limit ?? 50).map((g) => ({
      logGroupName: g.group_name, creationTime: Number(g.created), metricFilterCount: 0,
      arn: `${groupArn(ctx, g.group_name)}:*`, logGroupArn: groupArn(ctx, g.group_name), storedBytes: Number(g.bytes ?? 0), logGroupClass: 'STANDARD',
    })),
  };
}

export interface DescribeLogStreamsInput {
  logGroupName?: string; logGroupIdentifier?: string; logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime'; descending?: boolean; nextToken?: string; limit?: number;
}

export async function describeLogStreams(db: Kysely<Database>, input: DescribeLogStreamsInput, ctx: Ctx) {
  const group = groupOf(input);
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy === 'LastEventTime' && input.logStreamNamePrefix) throw invalid('Cannot order by LastEventTime with a logStreamNamePrefix.');
  if (!(await groupExists(db, ctx, group))) throw notFound('group');
  const limit = input.limit ?? 50;
  const dir = input.descending ? 'desc' : 'asc';
  const offset = input.nextToken ? decodeToken<{ o: number }>(input.nextToken).o : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('The specified nextToken is invalid.');
  let q = db.selectFrom('log_streams').selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('group_name', '=', group);
  if (input.logStreamNamePrefix) q = q.where('stream_name', '>=', input.logStreamNamePrefix).where('stream_name', '<', `${input.logStreamNamePrefix}\uffff`);
  q = orderBy === 'LogStreamName' ? q.orderBy('stream_name', dir) : q.orderBy('last_event_time', dir).orderBy('id', dir);
  // A job has a handful of streams (one per attempt): offset paging is enough here.
  const rows = await q.offset(offset).limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.stream_name, creationTime: s.creation_time,
      ...(s.first_event_time !== null ? { firstEventTimestamp: s.first_event_time } : {}),
      ...(s.last_event_time !== null ? { lastEventTimestamp: s.last_event_time, lastIngestionTime: s.last_ingestion_time ?? s.last_event_time } : {}),
      uploadSequenceToken: String(s.event_count + 1),
      arn: `${groupArn(ctx, group)}:log-stream:${s.stream_name}`, storedBytes: 0,
    })),
    ...(rows.length > limit ? { nextToken: encodeToken({ o: offset + limit }) } : {}),
  };
}

async function streamIdOf(db: Kysely<Database>, ctx: Ctx, group: string, stream: string): Promise<number> {
  const row = await db.selectFrom('log_streams').select('id').where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
    .where('group_name', '=', group).where('stream_name', '=', stream).executeTakeFirst();
  if (row) return Number(row.id);
  throw notFound((await groupExists(db, ctx, group)) ? 'stream' : 'group');
}

export interface GetLogEventsInput {
  logGroupName?: string; logGroupIdentifier?: string; logStreamName: string; startTime?: number; endTime?: number;
  nextToken?: string; limit?: number; startFromHead?: boolean;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;
const pad = (n: number): string => String(n).padStart(20, '0');

export async function getLogEvents(db: Kysely<Database>, input: GetLogEventsInput, ctx: Ctx) {
  const streamId = await streamIdOf(db, ctx, groupOf(input), input.logStreamName);
  const limit = input.limit ?? 10_000;
  let direction: 'f' | 'b' = input.startFromHead ? 'f' : 'b';
  let from: number | undefined;
  if (input.nextToken) {
    const m = /^([fb])\/(\d{1,20})$/.exec(input.nextToken);
    if (!m) throw invalid('The specified nextToken is invalid.');
    direction = m[1] as 'f' | 'b';
    from = Number(m[2]);
  }
  let q = db.selectFrom('log_events').select(['id', 'timestamp', 'ingestion_time', 'message']).where('stream_id', '=', streamId);
  if (input.startTime !== undefined) q = q.where('timestamp', '>=', input.startTime);
  if (input.endTime !== undefined) q = q.where('timestamp', '<', input.endTime);
  if (from !== undefined) q = q.where('id', direction === 'f' ? '>' : '<', from);
  let rows = await q.orderBy('id', direction === 'f' ? 'asc' : 'desc').limit(limit).execute();
  let bytes = 0;
  rows = rows.filter((r) => (bytes += Buffer.byteLength(r.message) + 26) <= MAX_RESPONSE_BYTES);
  if (direction === 'b') rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  const here = from ?? (direction === 'f' ? 0 : Number.MAX_SAFE_INTEGER);
  return {
    events: rows.map((r) => ({ timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion_time })),
    nextForwardToken: `f/${pad(last ? last.id : direction === 'f' ? here : here - 1)}`,
    nextBackwardToken: `b/${pad(first ? first.id : direction === 'b' ? here : here + 1)}`,
  };
}

export interface FilterLogEventsInput {
  logGroupName?: string; logGroupIdentifier?: string; logStreamNames?: string[]; logStreamNamePrefix?: string;
  startTime?: number; endTime?: number; filterPattern?: string; nextToken?: string; limit?: number; interleaved?: boolean;
}

/** Rows scanned per call at most; a call that hits it answers a nextToken to go on (as CloudWatch does). */
const SCAN_BUDGET = 50_000;

export async function filterLogEvents(db: Kysely<Database>, input: FilterLogEventsInput, ctx: Ctx) {
  const group = groupOf(input);
  if (input.logStreamNames && input.logStreamNamePrefix) throw invalid('Cannot specify both logStreamNames and logStreamNamePrefix.');
  if (!(await groupExists(db, ctx, group))) throw notFound('group');
  let sq = db.selectFrom('log_streams').select(['id', 'stream_name']).where('account_id', '=', ctx.accountId).where('region', '=', ctx.region).where('group_name', '=', group);
  if (input.logStreamNames) sq = sq.where('stream_name', 'in', input.logStreamNames);
  if (input.logStreamNamePrefix) sq = sq.where('stream_name', '>=', input.logStreamNamePrefix).where('stream_name', '<', `${input.logStreamNamePrefix}\uffff`);
  const streams = await sq.execute();
  const names = new Map(streams.map((s) => [Number(s.id), s.stream_name]));
  const match = matcher(input.filterPattern ?? '');
  const limit = input.limit ?? 10_000;
  let cursor = input.nextToken ? decodeToken<{ t: number; i: number }>(input.nextToken) : undefined;
  if (cursor && (typeof cursor.t !== 'number' || typeof cursor.i !== 'number')) throw invalid('The specified nextToken is invalid.');
  const events: { logStreamName: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[] = [];
  let scanned = 0;
  let exhausted = names.size === 0;
  while (!exhausted && events.length < limit && scanned < SCAN_BUDGET) {
    let q = db.selectFrom('log_events').select(['id', 'stream_id', 'timestamp', 'ingestion_time', 'message']).where('stream_id', 'in', [...names.keys()]);
    if (input.startTime !== undefined) q = q.where('timestamp', '>=', input.startTime);
    if (input.endTime !== undefined) q = q.where('timestamp', '<=', input.endTime);
    const c = cursor;
    if (c) q = q.where((eb) => eb.or([eb('timestamp', '>', c.t), eb.and([eb('timestamp', '=', c.t), eb('id', '>', c.i)])]));
    const batch = await q.orderBy('timestamp').orderBy('id').limit(1000).execute();
    if (batch.length < 1000) exhausted = true;
    for (const r of batch) {
      scanned++;
      cursor = { t: r.timestamp, i: r.id };
      if (match(r.message)) {
        events.push({ logStreamName: names.get(Number(r.stream_id))!, timestamp: r.timestamp, message: r.message, ingestionTime: r.ingestion_time, eventId: String(r.id) });
        if (events.length >= limit) {
          exhausted = exhausted && r === batch.at(-1);
          break;
        }
      }
    }
  }
  return {
    events,
    searchedLogStreams: [...names.values()].map((logStreamName) => ({ logStreamName, searchedCompletely: exhausted })),
    ...(!exhausted && cursor ? { nextToken: encodeToken(cursor) } : {}),
  };
}
