import type { Kysely } from 'kysely';
import type { Invoke } from '../../../feature.js';
import type { ResourceType, SearchRecord } from '../../../aws/generated/sagemaker/types.js';
import type { Store } from '../../../store/database.js';
import type { Database } from '../../../store/schema.js';
import type { PropertyType } from '../properties.js';

/**
 * A resource row that changed since the indexer's watermark.
 *
 * @example { id: 7, modified: 1700000000000, accountId: '123456789012', region: 'us-east-1', arn: 'arn:aws:sagemaker:...:training-job/j' }
 */
export interface ChangedRow {
  id: number;
  /** Its modification time, epoch ms (LastModifiedTime, or CreationTime where it has none). */
  modified: number;
  accountId: string;
  region: string;
  arn: string;
}

/**
 * What a source may use to read its family's data.
 *
 * @example const env: SourceEnv = { db: store.db, store, invoke: deps.invoke };
 */
export interface SourceEnv {
  db: Kysely<Database>;
  /** The store itself (some families key their hooks by it). */
  store: Store;
  /** Calls any SageMaker operation in process (for sources whose records are Describe answers). */
  invoke: Invoke;
}

/**
 * A property that is not a member of the record shape, computed from the record.
 *
 * @example { prefix: 'Metrics.', type: 'number' }
 */
export interface VirtualProperty {
  /** e.g. `Metrics.` : any name under it is valid. */
  prefix: string;
  type: PropertyType;
}

/**
 * One searchable resource type: where its rows live, how to tell what changed, and how to turn
 * rows into the records Search returns (the members Describe answers; Tags are added by Search).
 * Adding a resource type to Search is one module implementing this and one line in
 * sources/index.ts.
 *
 * @example
 *   export const pipelineSource: SearchSource = {
 *     resource: 'Pipeline', recordMember: 'Pipeline', table: 'pipelines',
 *     shapes: ['Pipeline', 'DescribePipelineResponse'],
 *     changed: (env, since, after, limit) => ..., load: (env, ids) => ...,
 *   };
 */
export interface SearchSource {
  resource: ResourceType;
  /** The SearchRecord member carrying the record. */
  recordMember: keyof SearchRecord;
  /** The record member holding the resource's ARN (default `<resource>Arn`). */
  arnMember?: string;
  /** The family's table; its `id` column is the resource id the index keeps. */
  table: string;
  /**
   * Shapes whose members are the searchable properties, in precedence order: the SearchRecord
   * member's shape, then the Describe output's (records carry every member Describe answers).
   */
  shapes: string[];
  /** Properties computed from the record (e.g. a training job's `Metrics.<name>`). */
  virtual?: VirtualProperty[];
  /** Rows with modification time >= `since`, in (modified, id) order, after `after`. */
  changed(env: SourceEnv, since: number, after: { modified: number; id: number } | undefined, limit: number): Promise<ChangedRow[]>;
  /** Records by row id; ids whose row is gone are left out. */
  load(env: SourceEnv, ids: number[]): Promise<Map<number, Record<string, unknown>>>;
  /** Values of the virtual properties of one record. */
  extra?(record: Record<string, unknown>): { name: string; value: number | string }[];
}
