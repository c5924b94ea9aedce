/**
 * CreateProcessingJob's semantic rules, after the generated shape validation: unique input and
 * output names, a data source per input and a destination per output unless AppManaged, and
 * every LocalPath an absolute path below /opt/ml/processing/ (the model documents these rules;
 * the messages are ours, see messages.ts).
 */
import path from 'node:path';
import { validation } from '../../aws/service-error.js';
import type { CreateProcessingJobRequest } from '../../aws/generated/sagemaker/types.js';
import { PROCESSING_ROOT } from './container.js';
import { duplicateLocalPath, duplicateName, localPathOutside } from './messages.js';

/** A LocalPath below /opt/ml/processing/ (normalised, so `..` cannot climb out). */
function checkLocalPath(what: string, localPath: string | undefined): string {
  if (localPath === undefined || localPath === '') throw validation(`${what} LocalPath is required when AppManaged is false.`);
  const normal = path.posix.normalize(localPath).replace(/\/+$/, '');
  if (!localPath.startsWith('/') || !normal.startsWith(`${PROCESSING_ROOT}/`)) throw localPathOutside(what, localPath);
  return normal;
}

/**
 * Throws the service's ValidationException for a request the shapes allow but the rules refuse.
 *
 * @example checkCreateRequest(input) // throws for two inputs named 'code'
 */
export function checkCreateRequest(input: CreateProcessingJobRequest): void {
  const names = new Set<string>();
  const localPaths = new Set<string>();
  const claim = (normal: string, original: string): void => {
    if (localPaths.has(normal)) throw duplicateLocalPath(original);
    localPaths.add(normal);
  };
  for (const p of input.ProcessingInputs ?? []) {
    if (names.has(p.InputName)) throw duplicateName('InputName', p.InputName);
    names.add(p.InputName);
    const what = `ProcessingInput '${p.InputName}':`;
    const sources = [p.S3Input, p.DatasetDefinition].filter((s) => s !== undefined).length;
    if (sources !== 1) throw validation(`${what} exactly one of S3Input or DatasetDefinition must be provided.`);
    if (p.DatasetDefinition) {
      const dd = p.DatasetDefinition;
      if ([dd.AthenaDatasetDefinition, dd.RedshiftDatasetDefinition].filter((s) => s !== undefined).length !== 1) {
        throw validation(`${what} DatasetDefinition must have exactly one of AthenaDatasetDefinition or RedshiftDatasetDefinition.`);
      }
      if (!p.AppManaged) claim(checkLocalPath(what, dd.LocalPath), dd.LocalPath!);
    } else if (!p.AppManaged) {
      claim(checkLocalPath(what, p.S3Input!.LocalPath), p.S3Input!.LocalPath!);
    }
  }
  const outputs = new Set<string>();
  for (const o of input.ProcessingOutputConfig?.Outputs ?? []) {
    if (outputs.has(o.OutputName)) throw duplicateName('OutputName', o.OutputName);
    outputs.add(o.OutputName);
    const what = `ProcessingOutput '${o.OutputName}':`;
    const targets = [o.S3Output, o.FeatureStoreOutput].filter((s) => s !== undefined).length;
    if (targets !== 1) throw validation(`${what} exactly one of S3Output or FeatureStoreOutput must be provided.`);
    if (o.S3Output && !o.AppManaged) claim(checkLocalPath(what, o.S3Output.LocalPath), o.S3Output.LocalPath!);
  }
}
