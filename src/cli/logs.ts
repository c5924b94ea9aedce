/**
 * `sagebox logs <job> [--follow]`: prints a training job's log from a running sagebox through
 * its CloudWatch Logs API (the calls the SageMaker SDK makes), following new lines until the
 * job ends when asked.
 */
import { awsJsonCall, AwsCallError, type AwsCallOptions } from './aws-call.js';

const GROUP = '/aws/sagemaker/TrainingJobs';
const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

/** Options of `sagebox logs`. */
export interface LogsOptions extends AwsCallOptions {
  follow?: boolean;
  /** Poll interval while following; default 1000 ms. */
  pollMs?: number;
  write?: (text: string) => void;
}

/**
 * Prints every stream of the job (one per attempt), oldest first; with `follow`, keeps polling
 * until the job is terminal and its last lines are printed. Returns the job's final status
 * (or the current one without `follow`).
 *
 * @example await printJobLogs('my-job', { url: 'http://127.0.0.1:8086', region: 'us-east-1', follow: true })
 */
export async function printJobLogs(job: string, options: LogsOptions): Promise<string> {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const tokens = new Map<string, string>();
  const status = async (): Promise<string> => {
    const d = await awsJsonCall<{ TrainingJobStatus: string }>(options, 'sagemaker', 'SageMaker.DescribeTrainingJob', { TrainingJobName: job });
    return d.TrainingJobStatus;
  };
  let current = await status(); // an unknown job fails here with "Requested resource not found."
  for (;;) {
    const terminalBefore = TERMINAL.has(current);
    let streams: string[] = [];
    try {
      const answer = await awsJsonCall<{ logStreams: { logStreamName: string }[] }>(options, 'logs', 'Logs_20140328.DescribeLogStreams',
        { logGroupName: GROUP, logStreamNamePrefix: `${job}/`, orderBy: 'LogStreamName' });
      streams = answer.logStreams.map((s) => s.logStreamName);
    } catch (error) {
      if (!(error instanceof AwsCallError && error.code === 'ResourceNotFoundException')) throw error;
    }
    for (const stream of streams) {
      for (;;) {
        const token = tokens.get(stream);
        const page = await awsJsonCall<{ events: { message: string }[]; nextForwardToken: string }>(options, 'logs', 'Logs_20140328.GetLogEvents',
          { logGroupName: GROUP, logStreamName: stream, startFromHead: true, ...(token ? { nextToken: token } : {}) });
        for (const e of page.events) write(`${e.message}\n`);
        tokens.set(stream, page.nextForwardToken);
        if (page.events.length === 0) break;
      }
    }
    if (!options.follow || terminalBefore) return current;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
    current = await status();
  }
}
