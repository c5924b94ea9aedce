import type { Generated, Selectable } from 'kysely';

/**
 * The model table (migration `007_processing`), added to the store's `Database` type by module
 * augmentation so that `store.db` knows it without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    models: ModelTable;
  }
}

/**
 * One model (CreateModel): a record; sagebox does not host endpoints.
 *
 * @example await db.selectFrom('models').select(['name', 'arn']).execute()
 */
export interface ModelTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  name: string;
  /** lower(name): model names are unique case-insensitively. */
  name_key: string;
  arn: string;
  creation_time: number;
  /** JSON: the CreateModel request without ModelName and Tags. */
  doc: string;
}

export type ModelRow = Selectable<ModelTable>;
