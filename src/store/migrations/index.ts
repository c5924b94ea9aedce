import type { Migration, MigrationProvider } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { registryMigration } from './001_registry.js';
import { hubMigration } from './002_hub.js';
import { engineMigration } from './003_engine.js';
import { trainingMigration } from './004_training.js';
import { algorithmsMigration } from './005_algorithms.js';
import { tuningMigration } from './006_tuning.js';
import { processingMigration } from './007_processing.js';
import { pipelinesMigration } from './008_pipelines.js';
import { mlflowMigration } from './009_mlflow.js';
import { searchMigration } from './010_search.js';
import { pipelineMlflowMigration } from './011_pipeline_mlflow.js';

/**
 * Every migration, by its numbered name. A static map rather than a folder
 * scan: the sources are compiled (and may be bundled), so the migrator must
 * not depend on the file layout at run time. Add new ones with the next
 * number; never edit one that has shipped.
 */
export function allMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '001_registry': registryMigration(dialect),
    '002_hub': hubMigration(dialect),
    '003_engine': engineMigration(dialect),
    '004_training': trainingMigration(dialect),
    '005_algorithms': algorithmsMigration(dialect),
    '006_tuning': tuningMigration(dialect),
    '007_processing': processingMigration(dialect),
    '008_pipelines': pipelinesMigration(dialect),
    '009_mlflow': mlflowMigration(dialect),
    '010_search': searchMigration(dialect),
    '011_pipeline_mlflow': pipelineMlflowMigration(dialect),
  };
}

/** The `MigrationProvider` Kysely's `Migrator` reads. */
export function staticMigrationProvider(dialect: StoreDialect): MigrationProvider {
  return { getMigrations: async () => allMigrations(dialect) };
}
