/**
 * From a job's AlgorithmSpecification to a command line. SageMaker runs `docker run <image>
 * train`; sagebox runs local processes, so an image URI without ContainerEntrypoint is looked
 * up in an image table: configured entries first, then the built-ins below. Each entry's
 * `command` is a template whose elements may be exactly one of these placeholders:
 *
 *   {entryPoint}  the script named by the `sagemaker_program` hyperparameter, run the way the
 *                 training toolkit runs it: `python3 x.py`, `/bin/sh x.sh`, or `./x` (expands
 *                 to one or two elements; an error names the hyperparameter when it is missing)
 *   {program}     the `sagemaker_program` value itself
 *   {userArgs}    the hyperparameters as `--key value` (SM_USER_ARGS), zero or more elements
 *   {args}        ContainerArguments, zero or more elements
 *
 * Built-ins (SageMaker framework images and sagebox's own runner images):
 *
 *   …/pytorch-training:*, tensorflow-training, mxnet-training, huggingface-*-training,
 *   …/sagemaker-*  (scikit-learn, xgboost, …)   → {entryPoint} {userArgs}
 *   sagebox/shell[:tag]                           → sh -c {args}
 *   sagebox/python[:tag]                          → python3 {args}
 *   sagebox/node[:tag]                            → node {args}
 *
 * Configured overrides: `[{ "match": "^my-registry/trainer:.*$", "command": ["python3", "/srv/train.py", "{userArgs}"] }]`.
 */

/** One row of the image table. `match` is a JS regular expression tested against the image URI. */
export interface ImageTableEntry {
  match: string | RegExp;
  command: readonly string[];
}

/** What the command is built from. */
export interface CommandSpec {
  /** `AlgorithmSpecification.TrainingImage` (or the algorithm's image). */
  trainingImage?: string;
  /** `ContainerEntrypoint`: when given, the image table is not consulted. */
  containerEntrypoint?: readonly string[];
  /** `ContainerArguments`. */
  containerArguments?: readonly string[];
  hyperParameters?: Readonly<Record<string, string>>;
  /** SM_USER_ARGS, already computed (see environment.ts `userArgs`). */
  userArgs?: readonly string[];
}

/** An image the table cannot map, or a template that cannot be filled. The message says what to do. */
export class ImageNotMappedError extends Error {
  override name = 'ImageNotMappedError';
}

const FRAMEWORK = ['{entryPoint}', '{userArgs}'];

/** The built-in rows, consulted after the configured ones. */
export const BUILTIN_IMAGE_TABLE: readonly ImageTableEntry[] = [
  // <account>.dkr.ecr.<region>.amazonaws.com/pytorch-training:2.3-cpu-py311 and friends
  { match: /^(?:[^/]+\/)*(?:pytorch|tensorflow|mxnet|huggingface-[a-z0-9-]+|[a-z0-9-]+)-training(?::[^/]*)?(?:@sha256:[0-9a-f]+)?$/, command: FRAMEWORK },
  // sagemaker-scikit-learn:1.2-1, sagemaker-xgboost:1.7-1, sagemaker-pytorch ... (script mode)
  { match: /^(?:[^/]+\/)*sagemaker-[a-z0-9._-]+(?::[^/]*)?(?:@sha256:[0-9a-f]+)?$/, command: FRAMEWORK },
  { match: /^sagebox\/shell(?::[^/]*)?$/, command: ['sh', '-c', '{args}'] },
  { match: /^sagebox\/python(?::[^/]*)?$/, command: ['python3', '{args}'] },
  { match: /^sagebox\/node(?::[^/]*)?$/, command: ['node', '{args}'] },
];

/**
 * The image table: configured entries, then the built-ins.
 *
 * @example
 *   const table = new ImageTable([{ match: '^acme/trainer:', command: ['python3', '/srv/train.py', '{userArgs}'] }]);
 *   table.resolve({ trainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-cpu-py311',
 *                   hyperParameters: { sagemaker_program: 'train.py', epochs: '2' }, userArgs: ['--epochs', '2'] })
 *   // ['python3', 'train.py', '--epochs', '2']
 */
export class ImageTable {
  private readonly entries: { match: RegExp; command: readonly string[] }[];

  /** @throws ImageNotMappedError when a configured `match` is not a valid regular expression. */
  constructor(configured: readonly ImageTableEntry[] = [], builtins: readonly ImageTableEntry[] = BUILTIN_IMAGE_TABLE) {
    this.entries = [...configured, ...builtins].map((e) => {
      if (e.command.length === 0) throw new ImageNotMappedError(`image table entry ${String(e.match)} has an empty command`);
      try {
        return { match: typeof e.match === 'string' ? new RegExp(e.match) : e.match, command: e.command };
      } catch (error) {
        throw new ImageNotMappedError(`image table entry '${String(e.match)}' is not a valid regular expression: ${(error as Error).message}`);
      }
    });
  }

  /** The template for an image, or undefined. */
  lookup(image: string): readonly string[] | undefined {
    return this.entries.find((e) => e.match.test(image))?.command;
  }

  /**
   * The argv to run.
   * @throws ImageNotMappedError for an unmapped image or a missing `sagemaker_program`.
   */
  resolve(spec: CommandSpec): string[] {
    if (spec.containerEntrypoint && spec.containerEntrypoint.length > 0) {
      return [...spec.containerEntrypoint, ...(spec.containerArguments ?? [])];
    }
    const image = spec.trainingImage;
    if (!image) throw new ImageNotMappedError('the job has neither ContainerEntrypoint nor a training image to run');
    const template = this.lookup(image);
    if (!template) {
      throw new ImageNotMappedError(
        `sagebox cannot run image ${image}: add it to the image table (see README), or give ContainerEntrypoint`,
      );
    }
    return fillTemplate(template, spec, image);
  }
}

function fillTemplate(template: readonly string[], spec: CommandSpec, image: string): string[] {
  const program = spec.hyperParameters?.sagemaker_program;
  const needProgram = (): string => {
    if (!program) {
      throw new ImageNotMappedError(
        `image ${image} runs the script named by the sagemaker_program hyperparameter, and the job does not set it`,
      );
    }
    return decodeString(program);
  };
  const out: string[] = [];
  for (const part of template) {
    if (part === '{entryPoint}') out.push(...entryPointCommand(needProgram()));
    else if (part === '{program}') out.push(needProgram());
    else if (part === '{userArgs}') out.push(...(spec.userArgs ?? []));
    else if (part === '{args}') out.push(...(spec.containerArguments ?? []));
    else out.push(part);
  }
  return out;
}

/** The SDK JSON-encodes sagemaker_program (`"\"train.py\""`); accept both spellings. */
function decodeString(value: string): string {
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}

/** How the toolkit starts an entry point (entry_point.py): by extension. */
function entryPointCommand(program: string): string[] {
  if (program.endsWith('.py')) return ['python3', program];
  if (program.endsWith('.sh')) return ['/bin/sh', program];
  return [program.includes('/') ? program : `./${program}`];
}
