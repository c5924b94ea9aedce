import type { Generated, Selectable } from 'kysely';

/**
 * The lineage tables (migration `007_processing`), added to the store's `Database` type by module
 * augmentation so that `store.db` knows them without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    lineage_entities: LineageEntityTable;
    lineage_associations: LineageAssociationTable;
  }
}

/** Which lineage entity a row is. */
export type LineageKind = 'artifact' | 'context' | 'action';

/**
 * One artifact, context or action.
 *
 * @example await db.selectFrom('lineage_entities').selectAll().where('kind', '=', 'artifact').execute()
 */
export interface LineageEntityTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  kind: LineageKind;
  /** The ARN's last part: lower(name) for contexts and actions, a generated id for artifacts. */
  entity_key: string;
  /** The caller's name (optional for artifacts). */
  name: string | null;
  name_key: string | null;
  arn: string;
  /** ArtifactType, ContextType or ActionType. */
  entity_type: string;
  source_uri: string;
  creation_time: number;
  last_modified_time: number;
  /** JSON: the Create request without Tags. */
  doc: string;
}

/**
 * One association (a directed edge between two lineage entities).
 *
 * @example await db.selectFrom('lineage_associations').selectAll().where('destination_arn', '=', arn).execute()
 */
export interface LineageAssociationTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  source_arn: string;
  destination_arn: string;
  source_type: string | null;
  destination_type: string | null;
  source_name: string | null;
  destination_name: string | null;
  association_type: string | null;
  creation_time: number;
}

export type LineageEntityRow = Selectable<LineageEntityTable>;
export type LineageAssociationRow = Selectable<LineageAssociationTable>;
