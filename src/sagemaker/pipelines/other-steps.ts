/**
 * The steps that are not jobs: Condition, Fail, Model, RegisterModel, Lineage, Callback, and the
 * step types sagebox accepts in a definition but does not run.
 */
import { evaluateConditions, type ConditionDef } from './conditions.js';
import { requestFor } from './coerce.js';
import { resolveValue } from './expressions.js';
import { newCallbackToken, resourceName } from './names.js';
import { typedValue } from './parameters.js';
import { renderValue, type Value } from './values.js';
import { failedCall, type AttemptContext, type AttemptResult } from './attempt.js';

const CALLBACK_POLL_MS = 250;

/**
 * Condition: the AND of its conditions; the outcome picks the branch.
 *
 * @example await runCondition(a) // { status: 'Succeeded', outcome: true, metadata: { Condition: { Outcome: 'True' } }, ... }
 */
export async function runCondition(a: AttemptContext): Promise<AttemptResult> {
  const conditions = ((a.node.def.Arguments ?? {}) as { Conditions?: ConditionDef[] }).Conditions ?? [];
  const outcome = await evaluateConditions(conditions, a.rt.scope());
  return { status: 'Succeeded', outcome, properties: { Outcome: outcome }, metadata: { Condition: { Outcome: outcome ? 'True' : 'False' } } };
}

/**
 * Fail: ends Failed with its evaluated message (omitted from FailureReason when empty).
 *
 * @example await runFail(a) // { status: 'Failed', reason: 'Execution failed due to MSE > 6.0', metadata: { Fail: { ErrorMessage: ... } } }
 */
export async function runFail(a: AttemptContext): Promise<AttemptResult> {
  const raw = (a.node.def.Arguments ?? {}).ErrorMessage;
  const message = raw === undefined || raw === null ? '' : renderValue(await resolveValue(raw, a.rt.scope()));
  return { status: 'Failed', reason: message, metadata: { Fail: { ErrorMessage: message } } };
}

/**
 * Model: CreateModel named `pipelines-<execId>-<step>-<random>`, properties from DescribeModel.
 *
 * @example await runModel(a) // { status: 'Succeeded', metadata: { Model: { Arn: '...:model/pipelines-...' } }, ... }
 */
export async function runModel(a: AttemptContext): Promise<AttemptResult> {
  const { deps, rt } = a;
  const name = a.row.resource_name ?? resourceName(rt.row.exec_id, a.node.name);
  let described = a.row.resource_name ? await deps.invoke('DescribeModel', { ModelName: name }, rt.ctx).catch(() => undefined) : undefined;
  if (!described) {
    const request = requestFor('CreateModel', await resolveValue(a.node.def.Arguments ?? {}, rt.scope()));
    request.ModelName = name;
    request.ExecutionRoleArn ??= rt.row.role_arn;
    await a.update({ resource_name: name });
    try {
      await deps.invoke('CreateModel', request, rt.ctx);
    } catch (error) {
      return failedCall('CreateModel', error);
    }
    described = await deps.invoke('DescribeModel', { ModelName: name }, rt.ctx);
  }
  const properties = JSON.parse(JSON.stringify(described));
  return { status: 'Succeeded', properties, metadata: { Model: { Arn: properties.ModelArn } } };
}

/**
 * RegisterModel: CreateModelPackage (the group is created when missing), properties from DescribeModelPackage.
 *
 * @example await runRegisterModel(a) // { status: 'Succeeded', metadata: { RegisterModel: { Arn: '...:model-package/group/1' } }, ... }
 */
export async function runRegisterModel(a: AttemptContext): Promise<AttemptResult> {
  const { deps, rt } = a;
  const request = requestFor('CreateModelPackage', await resolveValue(a.node.def.Arguments ?? {}, rt.scope()));
  delete request.Description;
  delete request.CertifyForMarketplace;
  const group = request.ModelPackageGroupName as string | undefined;
  if (group) {
    const exists = await deps.invoke('DescribeModelPackageGroup', { ModelPackageGroupName: group }, rt.ctx).then(() => true, () => false);
    if (!exists) {
      try {
        await deps.invoke('CreateModelPackageGroup', { ModelPackageGroupName: group }, rt.ctx);
      } catch (error) {
        // Another step of this or another execution may have just created it.
        if ((error as { code?: string }).code !== 'ValidationException') return failedCall('CreateModelPackageGroup', error);
      }
    }
  }
  let arn: string;
  try {
    arn = (await deps.invoke<{ ModelPackageArn: string }>('CreateModelPackage', request, rt.ctx)).ModelPackageArn;
  } catch (error) {
    return failedCall('CreateModelPackage', error);
  }
  const properties = JSON.parse(JSON.stringify(await deps.invoke('DescribeModelPackage', { ModelPackageName: arn }, rt.ctx)));
  return { status: 'Succeeded', properties, metadata: { RegisterModel: { Arn: arn } } };
}

type Entity = { Name?: unknown; Type?: unknown };

/**
 * Lineage: creates its Artifacts, Contexts and Actions, then the Associations between them.
 *
 * @example await runLineage(a) // { status: 'Succeeded', metadata: { Lineage: { ArtifactArns: {...}, ContextArns: {...}, ActionArns: {}, Associations: [...] } } }
 */
export async function runLineage(a: AttemptContext): Promise<AttemptResult> {
  const { deps, rt } = a;
  const args = (await resolveValue(a.node.def.Arguments ?? {}, rt.scope())) as Record<string, Value>;
  const made = { Artifact: {} as Record<string, string>, Context: {} as Record<string, string>, Action: {} as Record<string, string> };
  const kinds = [['Artifacts', 'Artifact', 'CreateArtifact', 'ArtifactName', 'ArtifactArn'], ['Contexts', 'Context', 'CreateContext', 'ContextName', 'ContextArn'],
    ['Actions', 'Action', 'CreateAction', 'ActionName', 'ActionArn']] as const;
  for (const [list, kind, op, nameField, arnField] of kinds) {
    for (const item of (args[list] as Value[] | undefined) ?? []) {
      const request = requestFor(op, item);
      try {
        const out = await deps.invoke<Record<string, string>>(op, request, rt.ctx);
        made[kind][String(request[nameField] ?? out[arnField])] = out[arnField]!;
      } catch (error) {
        return failedCall(op, error, { Lineage: lineageMetadata(made, []) });
      }
    }
  }
  const associations: { SourceArn: string; DestinationArn: string }[] = [];
  for (const assoc of (args.Associations as Value[] | undefined) ?? []) {
    const { Source, Destination, AssociationType } = assoc as { Source?: Entity; Destination?: Entity; AssociationType?: string };
    const source = await entityArn(a, made, Source);
    const destination = await entityArn(a, made, Destination);
    if (!source || !destination) {
      const missing = !source ? Source : Destination;
      return { status: 'Failed', reason: `Lineage entity ${String(missing?.Type)} '${String(missing?.Name)}' does not exist.`, metadata: { Lineage: lineageMetadata(made, associations) } };
    }
    try {
      await deps.invoke('AddAssociation', { SourceArn: source, DestinationArn: destination, ...(AssociationType ? { AssociationType } : {}) }, rt.ctx);
    } catch (error) {
      return failedCall('AddAssociation', error, { Lineage: lineageMetadata(made, associations) });
    }
    associations.push({ SourceArn: source, DestinationArn: destination });
  }
  const lineage = lineageMetadata(made, associations);
  return { status: 'Succeeded', properties: lineage, metadata: { Lineage: lineage } };
}

function lineageMetadata(made: Record<'Artifact' | 'Context' | 'Action', Record<string, string>>, associations: { SourceArn: string; DestinationArn: string }[]) {
  return { ActionArns: made.Action, ArtifactArns: made.Artifact, ContextArns: made.Context, Associations: associations };
}

/** An association end: an ARN, something this step created, or a context / action found by name. */
async function entityArn(a: AttemptContext, made: Record<string, Record<string, string>>, entity: Entity | undefined): Promise<string | undefined> {
  const name = typeof entity?.Name === 'string' ? entity.Name : undefined;
  const type = typeof entity?.Type === 'string' ? entity.Type : undefined;
  if (!name) return undefined;
  if (name.startsWith('arn:')) return name;
  const own = type ? made[type]?.[name] : undefined;
  if (own) return own;
  if (type === 'Context' || type === 'Action') {
    const out = await a.deps.invoke<Record<string, string>>(`Describe${type}`, { [`${type}Name`]: name }, a.rt.ctx).catch(() => undefined);
    return out?.[`${type}Arn`];
  }
  return undefined;
}

/**
 * Callback: a token, then a wait for SendPipelineExecutionStepSuccess / Failure.
 *
 * @example await runCallback(a) // resolves once SendPipelineExecutionStepSuccess / Failure answered the token
 */
export async function runCallback(a: AttemptContext): Promise<AttemptResult> {
  const { deps, rt, node } = a;
  await resolveValue(node.def.Arguments ?? {}, rt.scope()); // a payload that cannot resolve fails the step now
  const token = a.row.callback_token ?? newCallbackToken();
  const queue = typeof node.def.SqsQueueUrl === 'string' ? node.def.SqsQueueUrl : '';
  const metadata = (outputs: { Name: string; Value: string }[] = []) => ({ Callback: { CallbackToken: token, SqsQueueUrl: queue, OutputParameters: outputs } });
  if (!a.row.callback_token) await a.update({ callback_token: token, status: 'Executing', metadata: JSON.stringify(metadata()) });
  for (;;) {
    const row = await deps.store.db.selectFrom('pipeline_execution_steps').select('callback_result').where('id', '=', a.row.id).executeTakeFirst();
    if (row?.callback_result) {
      const result = JSON.parse(row.callback_result) as { status: string; outputs?: { Name: string; Value: string }[]; reason?: string };
      if (result.status === 'Failed') return { status: 'Failed', reason: result.reason ?? '', metadata: metadata() };
      const declared = (node.def.OutputParameters as { OutputName: string; OutputType?: string }[] | undefined) ?? [];
      const types = new Map(declared.map((o) => [o.OutputName, o.OutputType ?? 'String']));
      const outputs: Record<string, Value> = {};
      for (const o of result.outputs ?? []) outputs[o.Name] = typedValue(types.get(o.Name) ?? 'String', o.Value) ?? o.Value;
      return { status: 'Succeeded', properties: { OutputParameters: outputs }, metadata: metadata(result.outputs ?? []) };
    }
    if (a.signal.aborted) return { status: 'Interrupted' };
    await a.sleep(CALLBACK_POLL_MS);
  }
}

/**
 * What sagebox does not run: the step fails and says so.
 *
 * @example runUnsupported(a).reason // 'sagebox does not run Transform steps: ...'
 */
export function runUnsupported(a: AttemptContext): AttemptResult {
  return {
    status: 'Failed', metadata: {},
    reason: `sagebox does not run ${a.node.type} steps: the pipeline definition is accepted, but step ${a.node.name} of type ${a.node.type} cannot run here.`,
  };
}
