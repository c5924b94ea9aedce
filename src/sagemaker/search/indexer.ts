/**
 * Keeps the search index in step with the resource tables, lazily: each Search first indexes
 * the rows of its resource type modified since the type's watermark (cheap when nothing
 * changed: one index range probe), then answers from the index. No writer has to know the
 * index exists.
 *
 * A row is re-read when its modification time is at or after `watermark - LAG_MS`, and skipped
 * when the index already holds that version: the lag covers writers whose timestamp was taken
 * a moment before their commit (a commit may land after a later-stamped one). Deleted rows are
 * queued by triggers (migration 010) and their documents dropped.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { flattenRecord } from './properties.js';
import type { SearchSource, SourceEnv } from './sources/types.js';
import './tables.js';

/** Re-check window behind the watermark (ms). */
export const LAG_MS = 2_000;
/** Rows indexed per transaction (a long catch-up never holds the write lock for long). */
const BATCH = 500;
/** Property values per INSERT statement. */
const INSERT_CHUNK = 5_000;

/** Interned property names and scopes, cached per process (both tables only ever grow). */
export class SearchCatalog {
  private readonly names = new Map<string, number>();
  private readonly scopes = new Map<string, number>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The scope id of (type, account, region), created when `create`. */
  async scope(resourceType: string, accountId: string, region: string, create: boolean): Promise<number | undefined> {
    const key = `${resourceType}\u0000${accountId}\u0000${region}`;
    const cached = this.scopes.get(key);
    if (cached !== undefined) return cached;
    const find = () => this.db.selectFrom('search_scopes').select('id')
      .where('resource_type', '=', resourceType).where('account_id', '=', accountId).where('region', '=', region).executeTakeFirst();
    let row = await find();
    if (!row && create) {
      await this.db.insertInto('search_scopes').values({ resource_type: resourceType, account_id: accountId, region })
        .onConflict((oc) => oc.doNothing()).execute();
      row = await find();
    }
    if (row) this.scopes.set(key, Number(row.id));
    return row ? Number(row.id) : undefined;
  }

  /**
   * Runs a transaction that may intern names; if it fails (and rolls back), forgets the cached
   * ids, which may name rows that no longer exist.
   */
  async guard<T>(transaction: () => Promise<T>): Promise<T> {
    try {
      return await transaction();
    } catch (error) {
      this.names.clear();
      throw error;
    }
  }

  /** Interned ids of names, interning the missing ones (inside the caller's transaction). */
  async intern(db: Kysely<Database>, names: Iterable<string>): Promise<Map<string, number>> {
    const missing = [...new Set(names)].filter((n) => !this.names.has(n));
    for (let i = 0; i < missing.length; i += 500) {
      const chunk = missing.slice(i, i + 500);
      await db.insertInto('search_names').values(chunk.map((name) => ({ name }))).onConflict((oc) => oc.doNothing()).execute();
      const rows = await db.selectFrom('search_names').select(['id', 'name']).where('name', 'in', chunk).execute();
      for (const r of rows) this.names.set(r.name, Number(r.id));
    }
    return this.names;
  }

  /** Ids of names already interned (a name nobody has is absent). */
  async lookup(names: Iterable<string>, prefixes: Iterable<string>): Promise<{ names: Map<string, number>; prefixes: Map<string, number[]> }> {
    const exact = new Map<string, number>();
    const wanted = [...new Set(names)];
    if (wanted.length > 0) {
      for (const r of await this.db.selectFrom('search_names').select(['id', 'name']).where('name', 'in', wanted).execute()) exact.set(r.name, Number(r.id));
    }
    const byPrefix = new Map<string, number[]>();
    for (const prefix of new Set(prefixes)) {
      // `name` itself (a list of scalars) or anything under `name.`: '/' sorts right after '.'.
      const rows = await this.db.selectFrom('search_names').select('id')
        .where((eb) => eb.or([eb('name', '=', prefix), eb.and([eb('name', '>=', `${prefix}.`), eb('name', '<', `${prefix}/`)])]))
        .execute();
      byPrefix.set(prefix, rows.map((r) => Number(r.id)));
    }
    return { names: exact, prefixes: byPrefix };
  }
}

/** One `search_properties` row: doc, name, seq, scope, elem, num, txt. */
type PropertyRow = [number, number, number, number, number, number | null, string | null];

/**
 * Inserts property rows as one JSON array (SQLite unpacks it): far cheaper than binding seven
 * parameters per row through the query builder, and never near SQLite's bound-parameter limit.
 */
async function insertProperties(trx: Kysely<Database>, rows: PropertyRow[]): Promise<void> {
  await sql`INSERT INTO search_properties (doc, name, seq, scope, elem, num, txt)
    SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
    FROM json_each(${JSON.stringify(rows)})`.execute(trx);
}

/** `elem` of the `Tags.<key>` property rows (they are rewritten together when tags change). */
export const TAG_ELEM = -2;

/**
 * Brings one resource type's index up to date, and every resource's tags. Index writes are
 * serialised in process, so two concurrent Searches never index the same row twice.
 *
 * @example
 *   const indexer = new SearchIndexer(env, catalog);
 *   await indexer.sync(trainingJobSource); // then query search_docs / search_properties
 */
export class SearchIndexer {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly env: SourceEnv, private readonly catalog: SearchCatalog) {}

  /** Stops catch-ups between batches (what was indexed stays; the next sync resumes). */
  close(): void {
    this.closed = true;
  }

  sync(source: SearchSource): Promise<void> {
    const next = this.queue.catch(() => undefined).then(async () => {
      await this.catchUp(source);
      await this.syncTags();
    });
    this.queue = next;
    return next;
  }

  /** Re-reads the tags of the resources the `tags` triggers queued. */
  private async syncTags(): Promise<void> {
    const { db } = this.env;
    const last = await db.selectFrom('search_tag_changes').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    if (last?.id === null || last?.id === undefined) return;
    const upTo = Number(last.id);
    const keys = (await db.selectFrom('search_tag_changes').select('resource_key').distinct().where('id', '<=', upTo).execute())
      .map((r) => r.resource_key);
    await this.catalog.guard(() => db.transaction().execute(async (trx) => {
      for (let i = 0; i < keys.length; i += 500) {
        const chunk = keys.slice(i, i + 500);
        const docs = await trx.selectFrom('search_docs').innerJoin('search_scopes', 'search_scopes.id', 'search_docs.scope_id')
          .select(['search_docs.id as id', 'search_docs.scope_id as scope', 'search_docs.arn_key as arnKey', 'search_scopes.account_id as accountId', 'search_scopes.region as region'])
          .where('search_docs.arn_key', 'in', chunk).execute();
        if (docs.length === 0) continue;
        await trx.deleteFrom('search_properties').where('doc', 'in', docs.map((d) => Number(d.id))).where('elem', '=', TAG_ELEM).execute();
        await this.insertTags(trx, docs.map((d) => ({ doc: Number(d.id), scope: Number(d.scope), arnKey: d.arnKey, accountId: d.accountId, region: d.region })));
      }
      await trx.deleteFrom('search_tag_changes').where('id', '<=', upTo).execute();
    }));
  }

  /** Inserts the current `Tags.<key>` rows of some docs. */
  private async insertTags(trx: Kysely<Database>, docs: { doc: number; scope: number; arnKey: string; accountId: string; region: string }[]): Promise<void> {
    if (docs.length === 0) return;
    const tags = await trx.selectFrom('tags').select(['account_id', 'region', 'resource_key', 'tag_key', 'tag_value'])
      .where('resource_key', 'in', [...new Set(docs.map((d) => d.arnKey))]).execute();
    if (tags.length === 0) return;
    const names = await this.catalog.intern(trx, tags.map((t) => `Tags.${t.tag_key}`));
    const byKey = new Map(docs.map((d) => [`${d.accountId}\u0000${d.region}\u0000${d.arnKey}`, d]));
    const rows: PropertyRow[] = [];
    for (const t of tags) {
      const d = byKey.get(`${t.account_id}\u0000${t.region}\u0000${t.resource_key}`);
      if (d) rows.push([d.doc, names.get(`Tags.${t.tag_key}`)!, 0, d.scope, TAG_ELEM, null, t.tag_value]);
    }
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await insertProperties(trx, rows.slice(i, i + INSERT_CHUNK));
  }

  private async catchUp(source: SearchSource): Promise<void> {
    const { db } = this.env;
    const mark = await db.selectFrom('search_watermarks').select('modified').where('resource_type', '=', source.resource).executeTakeFirst();
    let watermark = mark ? Number(mark.modified) : Number.NEGATIVE_INFINITY;
    const since = watermark - LAG_MS;
    let after: { modified: number; id: number } | undefined;
    while (!this.closed) {
      const rows = await source.changed(this.env, since, after, BATCH);
      if (rows.length === 0) break;
      const last = rows.at(-1)!;
      after = { modified: last.modified, id: last.id };
      const indexed = new Map((await db.selectFrom('search_docs').select(['resource_id', 'modified'])
        .where('resource_type', '=', source.resource).where('resource_id', 'in', rows.map((r) => r.id)).execute())
        .map((r) => [Number(r.resource_id), Number(r.modified)]));
      const stale = rows.filter((r) => indexed.get(r.id) !== r.modified);
      if (stale.length > 0) await this.indexRows(source, stale);
      watermark = Math.max(watermark, ...rows.map((r) => r.modified));
      if (rows.length < BATCH) break;
    }
    if (Number.isFinite(watermark) && (!mark || watermark > Number(mark.modified))) {
      await db.insertInto('search_watermarks').values({ resource_type: source.resource, modified: watermark })
        .onConflict((oc) => oc.column('resource_type').doUpdateSet({ modified: watermark })).execute();
    }
    if (!this.closed) await this.dropDeleted(source);
  }

  private async indexRows(source: SearchSource, rows: Awaited<ReturnType<SearchSource['changed']>>): Promise<void> {
    const records = await source.load(this.env, rows.map((r) => r.id));
    const scopes = new Map<number, number>();
    for (const row of rows) scopes.set(row.id, (await this.catalog.scope(source.resource, row.accountId, row.region, true))!);
    const flat = new Map(rows.map((r) => {
      const record = records.get(r.id);
      return [r.id, record ? flattenRecord(source, record) : undefined] as const;
    }));
    await this.catalog.guard(() => this.env.db.transaction().execute(async (trx) => {
      const names = await this.catalog.intern(trx, [...flat.values()].flatMap((values) => (values ?? []).map((v) => v.name)));
      const ids = rows.map((r) => r.id);
      // A re-indexed resource keeps its doc id (page tokens carry doc ids); its values are rewritten.
      const old = await trx.selectFrom('search_docs').select(['id', 'resource_id']).where('resource_type', '=', source.resource).where('resource_id', 'in', ids).execute();
      const oldDoc = new Map(old.map((o) => [Number(o.resource_id), Number(o.id)]));
      if (old.length > 0) await trx.deleteFrom('search_properties').where('doc', 'in', [...oldDoc.values()]).execute();
      const tagged: Parameters<SearchIndexer['insertTags']>[1] = [];
      const fresh = rows.filter((r) => flat.get(r.id) !== undefined && !oldDoc.has(r.id));
      const docOf = new Map(oldDoc);
      for (const row of rows) {
        const existing = oldDoc.get(row.id);
        if (existing === undefined) continue;
        if (!flat.get(row.id)) {
          await trx.deleteFrom('search_docs').where('id', '=', existing).execute(); // deleted since it was listed
          docOf.delete(row.id);
        } else {
          await trx.updateTable('search_docs').set({ scope_id: scopes.get(row.id)!, arn_key: row.arn.toLowerCase(), modified: row.modified })
            .where('id', '=', existing).execute();
        }
      }
      if (fresh.length > 0) {
        const created = await sql<{ id: number; resource_id: number }>`
          INSERT INTO search_docs (scope_id, resource_type, resource_id, arn_key, modified)
          SELECT value ->> 0, ${source.resource}, value ->> 1, value ->> 2, value ->> 3 FROM json_each(${JSON.stringify(
            fresh.map((r) => [scopes.get(r.id)!, r.id, r.arn.toLowerCase(), r.modified]))})
          RETURNING id, resource_id`.execute(trx);
        for (const c of created.rows) docOf.set(Number(c.resource_id), Number(c.id));
      }
      let pending: PropertyRow[] = [];
      const flush = async () => {
        if (pending.length > 0) await insertProperties(trx, pending);
        pending = [];
      };
      for (const row of rows) {
        const values = flat.get(row.id);
        const doc = docOf.get(row.id);
        if (!values || doc === undefined) continue;
        const scope = scopes.get(row.id)!;
        tagged.push({ doc, scope, arnKey: row.arn.toLowerCase(), accountId: row.accountId, region: row.region });
        const seqs = new Map<number, number>();
        for (const v of values) {
          const num = v.num !== null && Number.isFinite(v.num) ? v.num : null;
          if (v.txt === null && num === null) continue;
          const name = names.get(v.name)!;
          const seq = seqs.get(name) ?? 0;
          seqs.set(name, seq + 1);
          pending.push([doc, name, seq, scope, v.elem, num, v.txt]);
          if (pending.length >= INSERT_CHUNK) await flush();
        }
      }
      await flush();
      await this.insertTags(trx, tagged);
    }));
  }

  /** Drops the documents of the rows the delete triggers queued. */
  private async dropDeleted(source: SearchSource): Promise<void> {
    const { db } = this.env;
    const gone = await db.selectFrom('search_deletions').select(['id', 'resource_id']).where('resource_type', '=', source.resource).execute();
    if (gone.length === 0) return;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < gone.length; i += 500) {
        const chunk = gone.slice(i, i + 500);
        const docs = trx.selectFrom('search_docs').select('id').where('resource_type', '=', source.resource)
          .where('resource_id', 'in', chunk.map((g) => Number(g.resource_id)));
        await trx.deleteFrom('search_properties').where('doc', 'in', docs).execute();
        await trx.deleteFrom('search_docs').where('resource_type', '=', source.resource).where('resource_id', 'in', chunk.map((g) => Number(g.resource_id))).execute();
        await trx.deleteFrom('search_deletions').where('id', 'in', chunk.map((g) => Number(g.id))).execute();
      }
    });
  }
}
