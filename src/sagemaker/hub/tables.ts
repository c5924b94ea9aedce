import type { Generated, Selectable } from 'kysely';

/**
 * The hub provider's tables (migration `002_hub`), added to the store's
 * `Database` type by module augmentation so that `store.db` knows them
 * without the shared schema file changing.
 *
 * One `hubs` row per private hub; one `hub_contents` row per **version** of a
 * hub content (Model, DataSet, JsonDoc, Notebook). The public hub
 * (`SageMakerPublicHub`) has no rows: it is served from the in-process
 * catalogue of `public-hub.ts`.
 */
declare module '../../store/schema.js' {
  interface Database {
    hubs: HubTable;
    hub_contents: HubContentTable;
  }
}

/** One private hub. */
export interface HubTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling, echoed as HubName and kept in the ARN. */
  name: string;
  /** lower(name): hub names are looked up case-insensitively. */
  name_key: string;
  arn: string;
  display_name: string | null;
  description: string | null;
  /** HubStatus (always InService: creation is synchronous). */
  status: string;
  creation_time: number;
  last_modified_time: number;
  /** JSON: `{ HubSearchKeywords?, S3StorageConfig? }`. */
  doc: string;
}

/** One version of one hub content. */
export interface HubContentTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The hub it belongs to (a hub is only deleted once it holds no content). */
  hub_id: number;
  /** HubContentType: Model | DataSet | JsonDoc | Notebook. */
  content_type: string;
  /** HubContentName, in the spelling of the content's first imported version. */
  name: string;
  /** lower(name). */
  name_key: string;
  /** HubContentVersion as imported (e.g. `1.0.0`). */
  version: string;
  /** Zero-padded sort key of the version (`0001.0000.0000`), unique per content. */
  version_key: string;
  document_schema_version: string;
  /** Zero-padded sort key of DocumentSchemaVersion, for MaxSchemaVersion. */
  schema_key: string;
  arn: string;
  display_name: string | null;
  description: string | null;
  /** HubContentStatus (Available once imported: import is synchronous). */
  status: string;
  support_status: string | null;
  /** JSON array of HubContentSearchKeywords, or null. */
  keywords: string | null;
  /** HubContentDocument, verbatim. */
  document: string;
  markdown: string | null;
  creation_time: number;
  last_modified_time: number;
  /** When the content's first version was imported (HubContentInfo.OriginalCreationTime). */
  original_creation_time: number;
}

export type HubRow = Selectable<HubTable>;
export type HubContentRow = Selectable<HubContentTable>;
