import type { Generated } from 'kysely';

/**
 * The search index's tables (migration `010_search`), added to the store's `Database` type by
 * module augmentation (as src/sagemaker/hub/tables.ts does) so the shared schema file stays as is.
 *
 * The index is derived data: every row can be rebuilt from the resource tables. Each searchable
 * resource is one `search_docs` row; each scalar leaf of its record (what Describe answers,
 * flattened to dotted property names) is one `search_properties` row carrying a numeric or a text
 * value, so a filter or a sort on any property is an index range scan. Tags are indexed as
 * `Tags.<key>` properties too; since a tag change does not touch a resource's LastModifiedTime,
 * triggers on `tags` queue the changed resources in `search_tag_changes`.
 */
declare module '../../store/schema.js' {
  interface Database {
    search_scopes: SearchScopeTable;
    search_docs: SearchDocTable;
    search_names: SearchNameTable;
    search_properties: SearchPropertyTable;
    search_watermarks: SearchWatermarkTable;
    search_tag_changes: SearchTagChangeTable;
    search_deletions: SearchDeletionTable;
  }
}

/** One (resource type, account, region): the partition every query stays inside. */
export interface SearchScopeTable {
  id: Generated<number>;
  resource_type: string;
  account_id: string;
  region: string;
}

/** One indexed resource. */
export interface SearchDocTable {
  id: Generated<number>;
  scope_id: number;
  /** Search's `Resource` value, e.g. `TrainingJob`. */
  resource_type: string;
  /** The resource's row id in its own family's table. */
  resource_id: number;
  /** lower(ARN): the key of the shared `tags` table. */
  arn_key: string;
  /** The resource's modification time (epoch ms) when it was indexed. */
  modified: number;
}

/** Property names, interned: `search_properties` stores the small integer. */
export interface SearchNameTable {
  id: Generated<number>;
  name: string;
}

/** One value of one property of one resource. */
export interface SearchPropertyTable {
  doc: number;
  name: number;
  /** 0, 1, ... for the values one property has in one resource (0 is the one SortBy uses). */
  seq: number;
  scope: number;
  /** Index of the element in the first list the property path crosses (-1 outside lists; -2: a tag). */
  elem: number;
  /** Numbers, timestamps (epoch ms), booleans (1/0), and numeric-looking map values. */
  num: number | null;
  /** Text values (and map values, numeric or not). */
  txt: string | null;
}

/** How far each resource type has been indexed. */
export interface SearchWatermarkTable {
  resource_type: string;
  /** The greatest modification time indexed so far (epoch ms). */
  modified: number;
}

/** A resource whose tags changed (written by triggers on `tags`), not yet re-read. */
export interface SearchTagChangeTable {
  id: Generated<number>;
  /** lower(ARN), as the tags table keys it. */
  resource_key: string;
}

/** A deleted resource row (written by triggers on the searched tables), not yet dropped from the index. */
export interface SearchDeletionTable {
  id: Generated<number>;
  resource_type: string;
  resource_id: number;
}
