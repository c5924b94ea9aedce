import type { Generated, Selectable } from 'kysely';

/**
 * The algorithm provider's table (migration `005_algorithms`), added to the store's `Database`
 * type by module augmentation so that `store.db` knows it without the shared schema changing.
 */
declare module '../../store/schema.js' {
  interface Database {
    algorithms: AlgorithmTable;
  }
}

/** One algorithm (CreateAlgorithm). */
export interface AlgorithmTable {
  id: Generated<number>;
  account_id: string;
  region: string;
  /** The caller's spelling, echoed as AlgorithmName and kept in the ARN. */
  name: string;
  /** lower(name): algorithm names are looked up case-insensitively. */
  name_key: string;
  arn: string;
  description: string | null;
  /** AlgorithmStatus: Pending | InProgress | Completed | Failed. */
  status: string;
  creation_time: number;
  last_modified_time: number;
  /** JSON `AlgorithmDoc`: the specifications as created (Tags kept apart, in the tag table). */
  doc: string;
  /** JSON `ValidationState`: one entry per ValidationProfile, with its training job. */
  validation: string;
}

export type AlgorithmRow = Selectable<AlgorithmTable>;
