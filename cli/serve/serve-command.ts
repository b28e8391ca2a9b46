import { chmod, mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Octokit } from '@octokit/rest';
import { type Command, Option } from 'commander';
import { resolveGitCredentials } from '../../adapters/git/git-auth.ts';
import { openSource } from '../../adapters/git/open-source.ts';
import { splitRepoUrl } from '../../adapters/git/repo-url.ts';
import { GithubCheckRuns } from '../../adapters/github/github-check-runs.ts';
import { GitlabMergeRequestNotes } from '../../adapters/gitlab/gitlab-merge-request-notes.ts';
import { SqliteJobQueue } from '../../adapters/local/sqlite-job-queue.ts';
import { SqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import { chartCredentialsFromEnv, credentialSecrets } from '../../adapters/tools/chart-credentials.ts';
import type { Log, PreviewPublisher } from '../../engine/index.ts';
import { createScrubber, publisherByProvider } from '../../engine/index.ts';
import { repoIdentity } from '../../ingest/repo-identity.ts';
import { CliError } from '../cli-error.ts';
import { action, parseDurationMs } from '../commands/command-kit.ts';
import { createEngineDeps, parseContextMap } from '../local/create-engine-deps.ts';
import { loadPolicy } from '../local/load-policy.ts';
import { ensureDataDir } from '../local/open-repo.ts';
import { apiTokenPath, ensureApiToken } from './api-token.ts';
import { createLog, type LogFormat } from './create-log.ts';
import { createServeApp } from './serve-app.ts';

interface ServeFlags {
  repo: string;
  port: string;
  host: string;
  apiPort: string;
  apiHost: string;
  webhookSecretFile?: string;
  webhookRepo?: string;
  gitCredentialsFile?: string;
  policy?: string;
  dataDir: string;
  kubeconfig?: string;
  context?: string;
  contextMap?: string;
  configRef: string;
  driftInterval: string;
  githubApiUrl?: string;
  githubTokenFile?: string;
  gitlabApiUrl?: string;
  gitlabTokenFile?: string;
  previewForks?: boolean;
  logFormat: LogFormat;
}

/** Matches no push: the webhook's repository when there is none to compare with. */
const NO_REPOSITORY = '';

/** How long a stop waits for running job slices before leaving them to the next start. */
const STOP_GRACE_MS = 30_000;

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run syncwave locally: webhook endpoint, job queue, workers, drift loop and the API the CLI uses',
    )
    .requiredOption('--repo <url|path>', 'the GitOps repository: a smart-HTTP URL or a local path')
    .option('--port <n>', 'port of the public listener: /webhook and /healthz (0 picks a free one)', '8080')
    .option(
      '--host <address>',
      'address of the public listener (0.0.0.0 to let GitHub reach it)',
      '127.0.0.1',
    )
    .option(
      '--api-port <n>',
      "port of the API the CLI uses, behind the token in the data directory's api-token",
      '8081',
    )
    .option('--api-host <address>', 'address of the API listener (keep it on loopback)', '127.0.0.1')
    .option(
      '--webhook-secret-file <file>',
      'file holding the webhook secret (or env SYNCWAVE_WEBHOOK_SECRET)',
    )
    .option(
      '--webhook-repo <owner/name|url>',
      'the repository whose pushes are accepted (default: --repo when it is a URL); others are ignored',
    )
    .option(
      '--git-credentials-file <file>',
      'file holding TOKEN or USERNAME:TOKEN for the repository (or env SYNCWAVE_GIT_TOKEN); not in --repo',
    )
    .option(
      '--policy <file>',
      'destination policy per environment: allowed namespaces and cluster-scoped kinds (default: all allowed)',
    )
    .option('--data-dir <dir>', 'state, queue and caches', '.syncwave/data')
    .option('--kubeconfig <file>', 'kubeconfig (default $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context for every environment not in --context-map')
    .option(
      '--context-map <env=ctx,...>',
      'kubeconfig context per environment, e.g. dev=kind-dev,prod=kind-prod',
    )
    .option('--config-ref <ref>', 'branch whose syncwave.yaml declares the environments', 'HEAD')
    .option('--drift-interval <duration>', 'how often to poll branches and check self-heal', '3m')
    .option(
      '--github-token-file <file>',
      'GitHub token (needs checks: write) for pull request previews as check runs (or env SYNCWAVE_GITHUB_TOKEN)',
    )
    .option(
      '--github-api-url <url>',
      'GitHub API base URL (GitHub Enterprise Server)',
      'https://api.github.com',
    )
    .option(
      '--gitlab-token-file <file>',
      'GitLab token (api scope) for merge request previews as notes (or env SYNCWAVE_GITLAB_TOKEN)',
    )
    .option('--gitlab-api-url <url>', 'GitLab API base URL', 'https://gitlab.com/api/v4')
    .option('--preview-forks', 'also preview pull requests from forks (untrusted content; never applied)')
    .addOption(
      new Option('--log-format <format>', 'log lines')
        .choices(['json', 'pretty'])
        .default(process.stdout.isTTY ? 'pretty' : 'json'),
    )
    .action(action(serve));
}

/**
 * The webhook secret, checked at start-up: a missing, unreadable or empty secret stops serve with
 * what to do (never the file's content). Read again per delivery so a rotated file takes effect;
 * a file that later goes missing or empty keeps the last good secret, with a warning.
 */
export async function readSecret(
  flags: Pick<ServeFlags, 'webhookSecretFile'>,
  log: Pick<Log, 'warn'>,
): Promise<() => Promise<string>> {
  if (flags.webhookSecretFile) {
    const file = resolve(flags.webhookSecretFile);
    const read = async (): Promise<string> => {
      const text = (await readFile(file, 'utf8')).trim();
      if (!text) throw new Error('the file is empty');
      return text;
    };
    let good: string;
    try {
      good = await read();
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new CliError(
        `--webhook-secret-file ${file}: cannot use it (${reason}); write the GitHub webhook's secret into it`,
      );
    }
    return async () => {
      try {
        good = await read();
      } catch (err) {
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        log.warn('webhook secret file unreadable; using the last good secret', { file, reason });
      }
      return good;
    };
  }
  const secret = process.env.SYNCWAVE_WEBHOOK_SECRET?.trim();
  if (!secret)
    throw new CliError(
      'no webhook secret: pass --webhook-secret-file FILE or set SYNCWAVE_WEBHOOK_SECRET (it must not be empty)',
    );
  return async () => secret;
}

/**
 * The repository whose pushes the webhook accepts: --webhook-repo, else --repo when it is a URL.
 * A local --repo with no --webhook-repo accepts no pushes (there is nothing to compare them to).
 */
export function expectedWebhookRepo(flags: { repo: string; webhookRepo?: string }): string | undefined {
  if (flags.webhookRepo !== undefined) {
    if (!repoIdentity(flags.webhookRepo))
      throw new CliError(
        `--webhook-repo ${flags.webhookRepo}: not a repository; give owner/name or the repository's URL`,
      );
    return flags.webhookRepo;
  }
  return repoIdentity(flags.repo)?.host !== undefined ? flags.repo : undefined;
}

/** The data directory holds state, rendered objects and the API token: only its owner may read it. */
async function makePrivateDir(dir: string): Promise<void> {
  await ensureDataDir(dir);
  await chmod(dir, 0o700);
}

async function tokenOf(file: string | undefined, envName: string): Promise<string | undefined> {
  if (!file) return process.env[envName] || undefined;
  try {
    return (await readFile(resolve(file), 'utf8')).trim() || undefined;
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}; write the token into it`);
  }
}

/**
 * Where previews show: GitHub check runs and GitLab notes, each when its token is given. The
 * tokens read are added to `secrets`, which serve's scrubber blanks from every line it prints.
 */
async function previewPublisherOf(
  flags: ServeFlags,
  secrets: string[],
): Promise<PreviewPublisher | undefined> {
  const github = await tokenOf(flags.githubTokenFile, 'SYNCWAVE_GITHUB_TOKEN');
  const gitlab = await tokenOf(flags.gitlabTokenFile, 'SYNCWAVE_GITLAB_TOKEN');
  for (const token of [github, gitlab]) if (token) secrets.push(token);
  const baseUrl = (flags.githubApiUrl ?? 'https://api.github.com').replace(/\/$/, '');
  return publisherByProvider({
    ...(github
      ? {
          github: new GithubCheckRuns({
            octokit: new Octokit({ auth: github, baseUrl, userAgent: 'syncwave' }),
          }),
        }
      : {}),
    ...(gitlab
      ? {
          gitlab: new GitlabMergeRequestNotes({
            apiUrl: flags.gitlabApiUrl ?? 'https://gitlab.com/api/v4',
            token: gitlab,
          }),
        }
      : {}),
  });
}

async function serve(given: ServeFlags): Promise<number> {
  // Credentials in --repo are taken out here: from now on only the bare URL is named anywhere.
  const { repo, credentials: fromUrl } = splitRepoUrl(given.repo);
  const flags = { ...given, repo };
  const credentials = resolveGitCredentials({ file: flags.gitCredentialsFile, env: process.env, fromUrl });
  let currentSecret: string | undefined;
  let apiToken: string | undefined;
  const previewTokens: string[] = [];
  const chartSecrets = credentialSecrets(chartCredentialsFromEnv());
  const scrub = createScrubber(() => [
    credentials?.token,
    currentSecret,
    apiToken,
    ...previewTokens,
    ...chartSecrets,
  ]);
  const log = createLog({
    format: flags.logFormat,
    debug: Boolean(process.env.SYNCWAVE_DEBUG),
    write: (line) => process.stdout.write(`${scrub(line)}\n`),
  });
  if (fromUrl)
    log.warn('--repo held credentials: they were taken out of the URL; prefer --git-credentials-file');
  const readWebhookSecret = await readSecret(flags, log);
  const secret = async (): Promise<string> => {
    currentSecret = await readWebhookSecret();
    return currentSecret;
  };
  currentSecret = await readWebhookSecret();
  const webhookRepo = expectedWebhookRepo(flags);
  const policy = await loadPolicy(flags.policy);
  if (!policy)
    log.warn(
      'no --policy: apps may write to any namespace and any cluster-scoped kind; see docs/security.md',
    );
  if (webhookRepo === undefined)
    log.warn('--repo is a local path and --webhook-repo is not set: the webhook accepts no pushes');
  const dataDir = resolve(flags.dataDir);
  const cacheDir = join(dataDir, 'cache');
  await makePrivateDir(dataDir);
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const token = await ensureApiToken(dataDir);
  apiToken = token;
  const dbFile = join(dataDir, 'syncwave.db');
  const state = await SqliteStateStore.open(dbFile);
  const queue = await SqliteJobQueue.open(dbFile);
  const source = await openSource({ repo: flags.repo, cacheDir, env: process.env, credentials });
  const deps = createEngineDeps({
    source,
    state,
    log,
    cacheDir,
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    contextMap: parseContextMap(flags.contextMap),
    repo: flags.repo,
    policy,
    // One serve per data directory (its queue requeues every running job at start), so the lease
    // owner is the data directory: after a crash (SIGKILL) the next start takes over the
    // environment leases at once instead of waiting for them to expire.
    owner: `serve@${hostname()}:${dataDir}`,
  });
  const previews = await previewPublisherOf(flags, previewTokens);
  const app = createServeApp({
    deps: { ...deps, ...(previews ? { previews } : {}) },
    previewForks: flags.previewForks ?? false,
    queue,
    secret,
    apiToken: token,
    scrub,
    repo: flags.repo,
    webhookRepo: webhookRepo ?? NO_REPOSITORY,
    configRef: flags.configRef,
    driftIntervalMs: parseDurationMs(flags.driftInterval, '--drift-interval'),
  });
  const { url, apiUrl } = await app.start({
    port: Number(flags.port),
    host: flags.host,
    apiPort: Number(flags.apiPort),
    apiHost: flags.apiHost,
  });
  log.info('syncwave serve listening', {
    url,
    apiUrl,
    apiTokenFile: apiTokenPath(dataDir),
    repo: flags.repo,
    dataDir,
    environments: app.config.environments.map((e) => `${e.name}<-${e.branch}`).join(','),
  });

  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      log.info('stopping', { signal });
      const hard = setTimeout(() => {
        log.warn('running jobs did not stop in time; they continue after the next start');
        resolveStop();
      }, STOP_GRACE_MS);
      app.stop().finally(() => {
        clearTimeout(hard);
        resolveStop();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  queue.close();
  state.close();
  log.info('stopped');
  // A job slice cut short by the grace period may still hold the event loop: it is requeued on the next start.
  process.exit(0);
}
