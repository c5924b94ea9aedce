import type { Selectable } from 'kysely';
import type { ModelPackageTable } from '../../store/schema.js';
import type {
  BatchDescribeModelPackageSummary, DescribeModelPackageOutput, InferenceSpecification, ModelApprovalStatus,
  ModelLifeCycle, ModelPackageRegistrationType, ModelPackageStatus, ModelPackageSummary,
} from './shapes.js';

export type PackageRow = Selectable<ModelPackageTable>;

/** Describe members answered from real columns; everything else lives in `doc`. */
type ColumnMembers =
  | 'ModelPackageName' | 'ModelPackageGroupName' | 'ModelPackageVersion' | 'ModelPackageRegistrationType'
  | 'ModelPackageArn' | 'ModelPackageDescription' | 'CreationTime' | 'ModelPackageStatus'
  | 'ModelApprovalStatus' | 'LastModifiedTime' | 'ModelLifeCycle';

/**
 * The JSON a package row keeps in `doc`: every DescribeModelPackage member
 * that is not a column (InferenceSpecification, ModelPackageStatusDetails,
 * CreatedBy, CustomerMetadataProperties, ModelCard, ...). Members the model
 * adds later round-trip without a migration.
 */
export type PackageDoc = Omit<DescribeModelPackageOutput, ColumnMembers>;

/**
 * The create-request members that are not stored in `doc`: they are columns,
 * or not part of the description at all (ClientToken, Tags).
 */
export const NOT_IN_DOC = new Set([
  'ModelPackageName', 'ModelPackageGroupName', 'ModelPackageDescription', 'ModelPackageRegistrationType',
  'ModelApprovalStatus', 'ModelLifeCycle', 'ClientToken', 'Tags',
]);

export function parseDoc(row: Pick<PackageRow, 'doc'>): PackageDoc {
  return JSON.parse(row.doc) as PackageDoc;
}

function lifeCycle(row: Pick<PackageRow, 'life_cycle'>): ModelLifeCycle | undefined {
  return row.life_cycle ? (JSON.parse(row.life_cycle) as ModelLifeCycle) : undefined;
}

/** DescribeModelPackageOutput from a row (doc members, then the columns over them). */
export function describeOutput(row: PackageRow): DescribeModelPackageOutput {
  const doc = parseDoc(row);
  return {
    ...doc,
    ModelPackageName: row.name,
    ModelPackageGroupName: row.group_name ?? undefined,
    ModelPackageVersion: row.version ?? undefined,
    ModelPackageRegistrationType: (row.registration_type ?? undefined) as ModelPackageRegistrationType | undefined,
    ModelPackageArn: row.arn,
    ModelPackageDescription: row.description ?? undefined,
    CreationTime: new Date(row.creation_time),
    ModelPackageStatus: row.status as ModelPackageStatus,
    ModelPackageStatusDetails: doc.ModelPackageStatusDetails,
    ModelApprovalStatus: (row.approval_status ?? undefined) as ModelApprovalStatus | undefined,
    LastModifiedTime: row.last_modified_time === null ? undefined : new Date(row.last_modified_time),
    ModelLifeCycle: lifeCycle(row),
  };
}

/** The columns a ListModelPackages summary needs (no `doc`: lists never parse descriptions). */
export const SUMMARY_COLUMNS = [
  'id', 'name', 'sort_name', 'group_name', 'version', 'arn', 'description', 'creation_time', 'status',
  'approval_status', 'life_cycle', 'registration_type',
] as const;
export type SummaryRow = Pick<PackageRow, (typeof SUMMARY_COLUMNS)[number]>;

/** A ListModelPackages ModelPackageSummary. */
export function listSummary(row: SummaryRow): ModelPackageSummary {
  return {
    ModelPackageName: row.name,
    ModelPackageGroupName: row.group_name ?? undefined,
    ModelPackageVersion: row.version ?? undefined,
    ModelPackageArn: row.arn,
    ModelPackageDescription: row.description ?? undefined,
    CreationTime: new Date(row.creation_time),
    ModelPackageStatus: row.status as ModelPackageStatus,
    ModelApprovalStatus: (row.approval_status ?? undefined) as ModelApprovalStatus | undefined,
    ModelLifeCycle: lifeCycle(row),
    ModelPackageRegistrationType: (row.registration_type ?? undefined) as ModelPackageRegistrationType | undefined,
  };
}

/** A BatchDescribeModelPackage summary (only for versioned packages with an InferenceSpecification). */
export function batchSummary(row: PackageRow, inference: InferenceSpecification): BatchDescribeModelPackageSummary {
  return {
    ModelPackageGroupName: row.group_name ?? row.name,
    ModelPackageVersion: row.version ?? undefined,
    ModelPackageArn: row.arn,
    ModelPackageDescription: row.description ?? undefined,
    CreationTime: new Date(row.creation_time),
    InferenceSpecification: inference,
    ModelPackageStatus: row.status as ModelPackageStatus,
    ModelApprovalStatus: (row.approval_status ?? undefined) as ModelApprovalStatus | undefined,
    ModelPackageRegistrationType: (row.registration_type ?? undefined) as ModelPackageRegistrationType | undefined,
  };
}
