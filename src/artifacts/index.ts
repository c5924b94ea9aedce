/**
 * Artifacts: the ObjectStore and its drivers, `s3://` URI helpers, recursive copies and the
 * tar writer/reader. `createObjectStore` is the one place that picks a driver.
 */
import path from 'node:path';
import { FileObjectStore } from './file-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore, type S3StoreConfig } from './s3-store.js';

export * from './object-store.js';
export * from './s3-uri.js';
export * from './sync.js';
export * from './tar.js';
export * from './progress.js';
export { FileObjectStore } from './file-store.js';
export { S3ObjectStore, type S3StoreConfig } from './s3-store.js';

/** The file driver: objects under `root` (sagebox uses `<dataDir>/objects`). */
export interface FileStoreConfig {
  driver: 'file';
  root: string;
}

/** Which driver and how to reach it. */
export type ObjectStoreConfig = FileStoreConfig | S3StoreConfig;

/**
 * Builds the configured ObjectStore.
 *
 * @example
 *   createObjectStore({ driver: 'file', root: path.join(dataDir, 'objects') })
 *   createObjectStore({ driver: 's3', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1',
 *                       forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } })
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.driver) {
    case 'file':
      return new FileObjectStore(path.resolve(config.root));
    case 's3':
      return new S3ObjectStore(config);
  }
}
