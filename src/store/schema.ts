import type { Generated } from 'kysely';
import type { LogEventTable, LogStreamTable, TrainingJobTable, TrainingMetricTable, WorkItemTable } from './schema-training.js';

/**
 * The Kysely table types of the sagebox store. Every resource row carries
 * `(account_id, region)` and a `name_key`, the lower-cased name the service
 * compares case-insensitively, under a UNIQUE index. Timestamps are epoch
 * milliseconds (integers); large nested descriptions live in a JSON text
 * column `doc`, and only the columns we filter, sort or page on are real
 * columns.
 *
 * @example
 *   const row = await store.db.selectFrom('model_package_groups')
 *     .selectAll().where('account_id', '=', ctx.accountId).where('region', '=', ctx.region)
 *     .where('name_key', '=', 'my-group').executeTakeFirst();
 */
export interface Database {
  model_package_groups: ModelPackageGroupTable;
  model_packages: ModelPackageTable;
  model_package_update_tokens: ModelPackageUpdateTokenTable;
  tags: TagTable;
  work_items: WorkItemTable;
  training_jobs: TrainingJobTable;
  training_metrics: TrainingMetricTable;
  log_streams: LogStreamTable;
  log_events: LogEventTable;
}

/** One model package group (a registry "model group"). */
export interface ModelPackageGroupTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling, echoed as ModelPackageGroupName. */
  name: string;
  /** lower(name): the service treats group names case-insensitively. */
  name_key: string;
  arn: string;
  description: string | null;
  /** ModelPackageGroupStatus. */
  status: string;
  creation_time: number;
  /**
   * The next version number to hand out. Incremented atomically in the
   * transaction that inserts a version, never decremented: a deleted
   * version's number is not reused.
   */
  next_version: number;
  /** JSON: the rest of DescribeModelPackageGroupOutput (CreatedBy, ManagedConfiguration). */
  doc: string;
}

/** One model package, versioned (in a group) or unversioned. */
export interface ModelPackageTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** ModelPackageName as Describe answers it: the group name for a versioned package. */
  name: string;
  /**
   * The unique lookup key, which is also the ARN's resource id:
   * `lower(name)` for an unversioned package, `lower(group)/<version>` for a
   * versioned one.
   */
  name_key: string;
  /** lower(name): SortBy=Name and NameContains work on it. */
  sort_name: string;
  package_type: 'Versioned' | 'Unversioned';
  group_id: number | null;
  group_name: string | null;
  /** lower(group name), for the ModelPackageGroupName filter. */
  group_key: string | null;
  version: number | null;
  arn: string;
  description: string | null;
  /** ModelPackageStatus. */
  status: string;
  approval_status: string | null;
  registration_type: string | null;
  /** JSON of ModelLifeCycle (a list summary member, so kept out of `doc`). */
  life_cycle: string | null;
  creation_time: number;
  last_modified_time: number | null;
  /** CreateModelPackage ClientToken (UNIQUE per account and region). */
  client_token: string | null;
  /** Hash of the create request, to tell a retry from a conflicting reuse of the token. */
  request_hash: string | null;
  /** JSON: the rest of DescribeModelPackageOutput. */
  doc: string;
}

/** ClientTokens UpdateModelPackage has applied, per package (removed with it). */
export interface ModelPackageUpdateTokenTable {
  package_id: number;
  token: string;
  request_hash: string;
  created_time: number;
}

/** One tag on one resource; generic across resource families. */
export interface TagTable {
  account_id: string;
  region: string;
  /** lower(ARN): the names inside registry ARNs compare case-insensitively. */
  resource_key: string;
  /** The ARN as first tagged (informational). */
  resource_arn: string;
  tag_key: string;
  tag_value: string;
}
