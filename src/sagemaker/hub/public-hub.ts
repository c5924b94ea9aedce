import { PUBLIC_ACCOUNT, PUBLIC_HUB_NAME, hubContentArn, publicHubArn } from './arns.js';
import { checkDocument } from './documents.js';
import type { DescribeHubResponse, HubContentSupportStatus } from './shapes.js';
import type { HubContentRow } from './tables.js';
import { versionKey } from './versions.js';

/**
 * The read-only public hub, `SageMakerPublicHub`: a catalogue of built-in hub
 * content held in the process (not in the store), which DescribeHub,
 * DescribeHubContent, ListHubContents and ListHubContentVersions serve in
 * every account and region, with ARNs carrying the literal account `aws`
 * (`arn:aws:sagemaker:<region>:aws:hub-content/SageMakerPublicHub/Model/<name>/<version>`),
 * and that `resolveHubContent` resolves. Writes to it are refused.
 *
 * Built-in content (e.g. sagebox's base model) registers itself at start-up.
 *
 * @example
 *   const unregister = registerPublicHubContent({
 *     HubContentType: 'Model', HubContentName: 'sagebox-tiny-llama', HubContentVersion: '1.0.0',
 *     DocumentSchemaVersion: '2.0.0', HubContentDocument: { GatedBucket: false, RecipeCollection: [] },
 *     HubContentDisplayName: 'sagebox tiny llama', HubContentSearchKeywords: ['@task:text-generation'],
 *   });
 *   // ... later, in tests:
 *   unregister();
 */
export interface PublicHubContent {
  HubContentType: 'Model' | 'DataSet' | 'JsonDoc' | 'Notebook';
  HubContentName: string;
  HubContentVersion: string;
  /** Defaults to `2.0.0`, the schema the 2025-12 AI model customization assets use. */
  DocumentSchemaVersion?: string;
  /** The document: JSON text, or a value that is serialised with JSON.stringify. */
  HubContentDocument: string | Record<string, unknown>;
  HubContentDisplayName?: string;
  HubContentDescription?: string;
  HubContentMarkdown?: string;
  HubContentSearchKeywords?: string[];
  SupportStatus?: HubContentSupportStatus;
  /** Defaults to the public hub's creation time. */
  CreationTime?: Date;
}

/** When the public hub (and, by default, its content) was "created": the API target date. */
export const PUBLIC_HUB_CREATION_TIME = Date.UTC(2025, 11, 3);

interface Entry {
  seq: number;
  type: string;
  name: string;
  nameKey: string;
  version: string;
  versionKey: string;
  schemaVersion: string;
  schemaKey: string;
  document: string;
  displayName: string | null;
  description: string | null;
  markdown: string | null;
  keywords: string[] | undefined;
  supportStatus: string | null;
  creationTime: number;
}

const entries = new Map<string, Entry>();
let nextSeq = 1;

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * Adds (or replaces: same type, name and version) one public hub content
 * version. Throws an Error for an entry the hub could not serve (a bad name,
 * version or document): built-in content is part of sagebox, so that is a bug.
 * Returns a function that removes the entry again.
 */
export function registerPublicHubContent(content: PublicHubContent): () => void {
  if (!NAME.test(content.HubContentName)) throw new Error(`public hub content name ${content.HubContentName} is not a valid HubContentName`);
  const document = typeof content.HubContentDocument === 'string'
    ? content.HubContentDocument : JSON.stringify(content.HubContentDocument);
  const schemaVersion = content.DocumentSchemaVersion ?? '2.0.0';
  try {
    checkDocument(content.HubContentType, document);
  } catch (err) {
    throw new Error(`public hub content ${content.HubContentName}: ${(err as Error).message}`);
  }
  const entry: Entry = {
    seq: nextSeq++,
    type: content.HubContentType,
    name: content.HubContentName,
    nameKey: content.HubContentName.toLowerCase(),
    version: content.HubContentVersion,
    versionKey: versionKey(content.HubContentVersion, 'hubContentVersion'),
    schemaVersion,
    schemaKey: versionKey(schemaVersion, 'documentSchemaVersion'),
    document,
    displayName: content.HubContentDisplayName ?? null,
    description: content.HubContentDescription ?? null,
    markdown: content.HubContentMarkdown ?? null,
    keywords: content.HubContentSearchKeywords,
    supportStatus: content.SupportStatus ?? null,
    creationTime: content.CreationTime?.getTime() ?? PUBLIC_HUB_CREATION_TIME,
  };
  const key = `${entry.type}/${entry.nameKey}/${entry.versionKey}`;
  entries.set(key, entry);
  return () => {
    if (entries.get(key) === entry) entries.delete(key);
  };
}

/** DescribeHub of the public hub, in the caller's region. */
export function describePublicHub(region: string): DescribeHubResponse {
  return {
    HubName: PUBLIC_HUB_NAME,
    HubArn: publicHubArn(region),
    HubDisplayName: 'SageMaker Public Hub',
    HubDescription: 'Built-in models, data sets and evaluators that sagebox serves (read-only).',
    HubStatus: 'InService',
    CreationTime: new Date(PUBLIC_HUB_CREATION_TIME),
    LastModifiedTime: new Date(PUBLIC_HUB_CREATION_TIME),
  };
}

/**
 * Every public content version of one type as store-shaped rows for `region`
 * (ids are registration order, for keyset paging), optionally of one name.
 */
export function publicContentRows(region: string, type: string, nameKey?: string): HubContentRow[] {
  const selected = [...entries.values()].filter((e) => e.type === type && (nameKey === undefined || e.nameKey === nameKey));
  const firstCreated = new Map<string, number>();
  for (const e of selected) firstCreated.set(e.nameKey, Math.min(firstCreated.get(e.nameKey) ?? Infinity, e.creationTime));
  return selected.map((e) => ({
    id: e.seq,
    account_id: PUBLIC_ACCOUNT,
    region,
    hub_id: 0,
    content_type: e.type,
    name: e.name,
    name_key: e.nameKey,
    version: e.version,
    version_key: e.versionKey,
    document_schema_version: e.schemaVersion,
    schema_key: e.schemaKey,
    arn: hubContentArn(region, PUBLIC_ACCOUNT, PUBLIC_HUB_NAME, e.type, e.name, e.version),
    display_name: e.displayName,
    description: e.description,
    status: 'Available',
    support_status: e.supportStatus,
    keywords: e.keywords ? JSON.stringify(e.keywords) : null,
    document: e.document,
    markdown: e.markdown,
    creation_time: e.creationTime,
    last_modified_time: e.creationTime,
    original_creation_time: firstCreated.get(e.nameKey)!,
  }));
}
