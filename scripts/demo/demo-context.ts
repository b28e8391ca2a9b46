// The demo's shared context and the helpers its steps use: the CLI shown as a user runs it,
// signed push webhooks, waits on the API and on the cluster.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../../cli/client/api-client.ts';
import type { HistoryEntry } from '../../engine/history.ts';
import type { AppState } from '../../engine/state.ts';
import type { RunningGitServer } from '../../harness/git-server.ts';
import type { GitWorkRepo } from '../../harness/git-work-repo.ts';
import { pushPayload, sendGithubWebhook, ZERO_SHA } from './github-push.ts';
import { type DeploymentJson, type KubeTarget, kubectl, kubectlJson } from './kubectl.ts';
import { check, command, note, output, waitFor } from './narrate.ts';
import { runSyncwave, type ServeProcess } from './serve-process.ts';

export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
export const REPO_NAME = 'example/gitops';
export const APPS = ['database', 'backend', 'frontend'] as const;

/** The examples' `namespacePrefix: dev-`/`prod-` with `prefix` in front. */
export function prefixNamespaces(config: string, prefix: string): string {
  return config
    .replaceAll('namespacePrefix: dev-', `namespacePrefix: ${prefix}dev-`)
    .replaceAll('namespacePrefix: prod-', `namespacePrefix: ${prefix}prod-`);
}

/** What every step of the demo works with. */
export interface Ctx {
  work: string;
  kube: KubeTarget;
  git: RunningGitServer;
  repo: GitWorkRepo;
  remote: string;
  serve: ServeProcess;
  api: ApiClient;
  secret: string;
  logFile: string;
  /** The demo's own namespace prefix on a cluster given by --kubeconfig (`swdemo-<id>-`), else ''. */
  prefix: string;
}

/** Runs the syncwave CLI against the demo's server, prints the command and its output. */
export async function show(ctx: Ctx, args: string[], expectCode = 0): Promise<string> {
  command(`syncwave ${args.join(' ')}`);
  const r = await runSyncwave(args, {
    server: ctx.serve.apiUrl,
    dataDir: ctx.serve.dataDir,
    env: process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' },
  });
  output(r.stdout + (r.stderr ? `\n${r.stderr}` : ''));
  check(r.code === expectCode, `syncwave ${args.join(' ')} exited with ${r.code}, expected ${expectCode}`);
  return r.stdout;
}

export async function kubectlShown(ctx: Ctx, args: string[]): Promise<string> {
  command(`kubectl ${args.join(' ')}`);
  const out = await kubectl(ctx.kube, args);
  if (out) output(out);
  return out;
}

/** Commits the working tree, pushes `branch` and delivers the signed push webhook; returns the new head. */
export async function pushAndNotify(ctx: Ctx, branch: string, before: string): Promise<string> {
  const after = await ctx.repo.head();
  command(`git push origin ${branch}`);
  await ctx.repo.push(branch);
  const payload = await pushPayload({
    repo: ctx.repo,
    branch,
    before,
    after,
    fullName: REPO_NAME,
    cloneUrl: ctx.remote,
  });
  const paths = payload.commits.flatMap((c) => [...c.added, ...c.modified, ...c.removed]);
  const answer = await sendGithubWebhook({
    url: `${ctx.serve.url}/webhook`,
    secret: ctx.secret,
    payload,
  });
  note(
    `GitHub's push webhook (ref ${payload.ref}, ${before === ZERO_SHA ? 'new branch' : `${before.slice(0, 7)}..${after.slice(0, 7)}`}, ${payload.commits.length} commit(s), ${paths.length > 3 ? `${paths.length} paths` : paths.join(', ')}), signed with X-Hub-Signature-256`,
  );
  note(`-> POST ${ctx.serve.url}/webhook answered ${answer.status}: ${answer.body.message ?? ''}`);
  check(
    answer.status === 202,
    `the webhook was not accepted: HTTP ${answer.status} ${answer.body.message ?? ''}`,
  );
  return after;
}

export async function apps(ctx: Ctx, env: string): Promise<AppState[]> {
  return (await ctx.api.listApps(env)).apps;
}

export async function history(ctx: Ctx, env: string, app: string): Promise<HistoryEntry[]> {
  try {
    return (await ctx.api.history(app, env)).history;
  } catch {
    return [];
  }
}

export const describeApps = (ctx: Ctx, env: string) => async (): Promise<string> =>
  (await apps(ctx, env))
    .map(
      (a) =>
        `${a.app} ${a.syncStatus}/${a.health.status}@${a.revision?.slice(0, 7)}${a.lastOperation?.message ? ` (${a.lastOperation.message})` : ''}`,
    )
    .join('; ') || 'no apps synced';

/** Waits until `names` in `env` are Synced and Healthy at `revision` with no operation running. */
export async function waitSynced(
  ctx: Ctx,
  env: string,
  names: readonly string[],
  revision: string,
  timeoutMs = 120_000,
): Promise<AppState[]> {
  return waitFor(
    `${names.join(', ')} in ${env} to be Synced and Healthy at ${revision.slice(0, 7)}`,
    async () => {
      const list = await apps(ctx, env);
      const found = names.map((n) => list.find((a) => a.app === n));
      const done = found.every(
        (a) =>
          a &&
          a.syncStatus === 'Synced' &&
          a.health.status === 'Healthy' &&
          a.syncedRevision === revision &&
          a.lastOperation?.phase === 'Succeeded',
      );
      return done ? (found as AppState[]) : undefined;
    },
    { timeoutMs, describe: describeApps(ctx, env) },
  );
}

export async function deployment(ctx: Ctx, ns: string, name = 'frontend'): Promise<DeploymentJson> {
  return kubectlJson<DeploymentJson>(ctx.kube, ['get', 'deployment', name, '-n', ns]);
}

export const imageOf = (d: DeploymentJson): string => d.spec.template.spec.containers[0]?.image ?? '';

export async function historyCounts(ctx: Ctx, env: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const a of APPS) out[a] = (await history(ctx, env, a)).length;
  return out;
}

/** Waits for the Deployment's rollout to finish (all replicas updated and ready). */
export async function waitRolledOut(
  ctx: Ctx,
  ns: string,
  want: (d: DeploymentJson) => boolean,
  what: string,
): Promise<DeploymentJson> {
  return waitFor(
    what,
    async () => {
      const d = await deployment(ctx, ns);
      const s = d.status;
      const done =
        want(d) &&
        s.updatedReplicas === d.spec.replicas &&
        s.readyReplicas === d.spec.replicas &&
        s.replicas === d.spec.replicas;
      return done ? d : undefined;
    },
    {
      timeoutMs: 90_000,
      describe: async () => {
        const d = await deployment(ctx, ns);
        return `replicas ${d.spec.replicas}, image ${imageOf(d)}, status ${JSON.stringify(d.status)}`;
      },
    },
  );
}

export async function writeFrontendValues(
  ctx: Ctx,
  file: string,
  edit: (text: string) => string,
): Promise<void> {
  const path = join(ctx.repo.dir, 'apps', 'frontend', file);
  await writeFile(path, edit(await readFile(path, 'utf8')));
}
