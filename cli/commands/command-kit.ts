import { type Command, Option } from 'commander';
import { chartCredentialsFromEnv, credentialSecrets } from '../../adapters/tools/chart-credentials.ts';
import { createScrubber } from '../../engine/index.ts';
import { lazyAwsAppClient } from '../aws/lazy-aws-app-client.ts';
import { CliError } from '../cli-error.ts';
import { ApiClient, DEFAULT_SERVER } from '../client/api-client.ts';
import type { AppClient } from '../client/app-client.ts';
import { readApiToken } from '../client/read-api-token.ts';
import { EXIT } from '../exit-codes.ts';
import { OUTPUT_FORMATS, type OutputFormat, parseOutputFormat } from '../output/output-format.ts';

/** Options every server-backed command has. */
export interface ServerOptions {
  server: string;
  token?: string;
  dataDir?: string;
  env?: string;
  output: string;
  /** A deployed stack instead of serve: true (SYNCWAVE_STACK or `syncwave`) or its name. */
  aws?: boolean | string;
}

export function addOutputOption(cmd: Command): Command {
  return cmd.addOption(
    new Option('-o, --output <format>', 'table for people, json or yaml for scripts')
      .choices(OUTPUT_FORMATS)
      .default('table'),
  );
}

/** --server, --env and -o. */
export function addServerOptions(cmd: Command): Command {
  cmd
    .option(
      '--server <url>',
      'syncwave serve to talk to (env SYNCWAVE_SERVER)',
      process.env.SYNCWAVE_SERVER ?? DEFAULT_SERVER,
    )
    .option('--token <token>', 'API token (env SYNCWAVE_TOKEN; default: read from the data directory)')
    .option(
      '--data-dir <dir>',
      "serve's data directory, whose api-token the CLI sends (env SYNCWAVE_DATA_DIR, default .syncwave/data)",
    )
    .option('--env <name>', 'environment of the app (needed when the app is in several)')
    .option(
      '--aws [stack]',
      'a deployed AWS stack instead of serve (env SYNCWAVE_STACK; default stack name syncwave): state from its DynamoDB table, syncs queued on its SQS queue, credentials from the AWS default chain',
    );
  return addOutputOption(cmd);
}

/** The stack `--aws [NAME]` or SYNCWAVE_STACK names, when the command goes to AWS. */
export function awsStackOf(opts: Pick<ServerOptions, 'aws'>, env = process.env): string | undefined {
  if (typeof opts.aws === 'string' && opts.aws) return opts.aws;
  if (opts.aws === true) return env.SYNCWAVE_STACK || 'syncwave';
  return env.SYNCWAVE_STACK || undefined;
}

export function clientOf(opts: ServerOptions): AppClient {
  const stack = awsStackOf(opts);
  if (stack) return lazyAwsAppClient({ stack, env: process.env });
  return new ApiClient({
    server: opts.server,
    token: readApiToken({ token: opts.token, dataDir: opts.dataDir, env: process.env }),
  });
}

export function formatOf(opts: { output?: string }): OutputFormat {
  return parseOutputFormat(opts.output);
}

/** Known secret values of this process (git token, API token, webhook secret, chart credentials) and URL userinfo, out of all output. */
const scrub = createScrubber(() => [
  process.env.SYNCWAVE_GIT_TOKEN,
  process.env.SYNCWAVE_TOKEN,
  process.env.SYNCWAVE_WEBHOOK_SECRET,
  ...chartSecrets(),
]);

/** The chart credentials' values, read once; an unreadable file is reported where it is used. */
let chartValues: string[] | undefined;
function chartSecrets(): string[] {
  if (chartValues === undefined) {
    try {
      chartValues = credentialSecrets(chartCredentialsFromEnv());
    } catch {
      chartValues = [];
    }
  }
  return chartValues;
}

/** Prints a line to stdout, scrubbed of known secret values. */
export function print(text: string): void {
  const clean = scrub(text);
  process.stdout.write(clean.endsWith('\n') ? clean : `${clean}\n`);
}

/**
 * Wraps an action: its resolved number is the exit code; a CliError prints its message
 * (no stack) and exits with its code; anything else is exit code 2 with the message.
 */
export function action<Args extends unknown[]>(
  fn: (...args: Args) => Promise<number | undefined>,
): (...args: Args) => Promise<void> {
  return async (...args: Args) => {
    try {
      process.exitCode = (await fn(...args)) ?? EXIT.ok;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`error: ${scrub(message)}\n`);
      if (process.env.SYNCWAVE_DEBUG && err instanceof Error && !(err instanceof CliError))
        process.stderr.write(`${scrub(err.stack ?? '')}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : EXIT.error;
    }
  };
}

/** "5m", "90s", "1h" or seconds -> milliseconds; a clear error otherwise. */
export function parseDurationMs(value: string, flag: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new CliError(`${flag} ${value}: expected a duration such as 90s, 5m or 1h`);
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}
