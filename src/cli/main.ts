#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * The `sagebox` command.
 *
 * @example
 *   sagebox serve --port 0 --data-dir /tmp/sb
 *   # sagebox listening on http://127.0.0.1:41234
 *   sagebox logs my-training-job --follow --url http://127.0.0.1:41234
 */
import { Command, Option } from 'commander';
import { startSagebox } from '../app.js';
import { ConfigError, resolveConfig, type ConfigFlags } from '../config.js';
import { AwsCallError, awsEnv } from './aws-call.js';
import { printJobLogs } from './logs.js';
import { registerDataCommands } from './data.js';
import { registerMlflowCommands } from './mlflow.js';
import { registerHubCommands } from './hub.js';

// The AWS SDK (S3 driver, CLI calls) warns on Node 20 that its releases after January 2027
// will need Node 22. sagebox pins the SDK it ships with, so the warning is nothing a sagebox
// user can act on; the SDK's own switch silences it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Builds the command tree. */
function buildProgram(): Command {
  const program = new Command('sagebox').description('The Amazon SageMaker API on your own machine.');

  program
    .command('serve')
    .description('Start the sagebox server (flags override SAGEBOX_* environment variables).')
    .option('--host <host>', 'interface to listen on (SAGEBOX_HOST, default 127.0.0.1)')
    .option('--port <port>', 'TCP port, 0 picks a free one (SAGEBOX_PORT, default 8086)')
    .option('--data-dir <dir>', 'where state is kept (SAGEBOX_DATA_DIR, default ./.sagebox)')
    .addOption(new Option('--auth <mode>', 'SigV4 checking (SAGEBOX_AUTH, default parse)').choices(['off', 'parse', 'verify']))
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (SAGEBOX_LOG_LEVEL, default info)')
    .action(async (flags: ConfigFlags) => {
      await serve(flags);
    });

  program
    .command('logs')
    .description("Print a training job's log from a running sagebox (AWS_ACCESS_KEY_ID picks the account, as with the AWS CLI).")
    .argument('<job>', 'training job name')
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--url <url>', 'sagebox endpoint (SAGEBOX_URL, AWS_ENDPOINT_URL, default http://127.0.0.1:8086)')
    .action(async (job: string, flags: { follow?: boolean; url?: string }) => {
      const url = flags.url ?? process.env.SAGEBOX_URL ?? process.env.AWS_ENDPOINT_URL ?? 'http://127.0.0.1:8086';
      try {
        const status = await printJobLogs(job, { url, ...awsEnv(), follow: flags.follow === true });
        if (flags.follow && status !== 'Completed') process.exitCode = 1;
      } catch (error) {
        const message = error instanceof AwsCallError ? error.message : `cannot reach sagebox at ${url}: ${(error as Error).message}`;
        process.stderr.write(`sagebox logs: ${message}\n`);
        process.exit(2);
      }
    });

  registerDataCommands(program);
  registerMlflowCommands(program);
  registerHubCommands(program);
  return program;
}

async function serve(flags: ConfigFlags): Promise<void> {
  let config;
  try {
    config = resolveConfig(flags);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sagebox: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const box = await startSagebox(config);
  process.stdout.write(`sagebox listening on ${box.url}\n`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) {
      // A second signal while closing: the user means it.
      process.stderr.write(`sagebox: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    closing = true;
    box.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`sagebox: error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await buildProgram().parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`sagebox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
