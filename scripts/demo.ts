// `npm run demo`: the whole GitOps flow of syncwave on this machine, checked step by step.
//
// It starts a real Kubernetes control plane (harness/cluster.ts), a real git server on loopback
// holding a GitOps repository made from examples/, and `syncwave serve` as a child process.
// Then it plays what a team does: push to develop (signed GitHub webhooks), change an image
// tag, scale, add an env var, someone scales by hand (self-heal), git revert, and promotion of
// develop to main (prod). Every step is verified against the cluster; the demo exits non-zero
// naming the step that did not happen.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cli/client/api-client.ts';
import type { HistoryEntry } from '../engine/history.ts';
import type { AppState } from '../engine/state.ts';
import { ensureClusterBinaries, startCluster } from '../harness/cluster.ts';
import { type RunningGitServer, startGitServer } from '../harness/git-server.ts';
import { createWorkRepo, type GitWorkRepo } from '../harness/git-work-repo.ts';
import { pushPayload, sendGithubWebhook, ZERO_SHA } from './demo/github-push.ts';
import {
  type DeploymentJson,
  type KubeTarget,
  kubectl,
  kubectlJson,
  type ReplicaSetJson,
} from './demo/kubectl.ts';
import {
  CheckError,
  check,
  command,
  currentStep,
  fail,
  info,
  note,
  ok,
  output,
  setSteps,
  step,
  waitFor,
} from './demo/narrate.ts';
import { runSyncwave, type ServeProcess, startServe } from './demo/serve-process.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const REPO_NAME = 'example/gitops';
const APPS = ['database', 'backend', 'frontend'] as const;

const started = Date.now();
const cleanups: Array<() => Promise<void>> = [];
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  })();
  return cleaning;
}

process.on('uncaughtException', (err) => {
  fail(`unexpected error during step ${currentStep() || '(setup)'}: ${err.stack ?? err.message}`);
  void cleanup().finally(() => process.exit(1));
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    fail(`(${sig}) during step ${currentStep() || '(setup)'}; stopping everything`, 'demo interrupted');
    void cleanup().finally(() => process.exit(130));
  });
}

const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)} s`;

/**
 * `--kubeconfig FILE [--context NAME]`: the demo runs on that cluster (kind, minikube, a real
 * one) in namespaces of its own (`swdemo-<id>-dev-*`, `...-prod-*`), removed at the end. Without
 * it the demo starts its own control plane.
 */
const { values: flags } = parseArgs({
  options: { kubeconfig: { type: 'string' }, context: { type: 'string' } },
  strict: true,
});
const NS = flags.kubeconfig ? `swdemo-${randomBytes(3).toString('hex')}-` : '';

/** The examples' `namespacePrefix: dev-`/`prod-` with the demo's own prefix in front. */
function prefixNamespaces(config: string): string {
  return config
    .replaceAll('namespacePrefix: dev-', `namespacePrefix: ${NS}dev-`)
    .replaceAll('namespacePrefix: prod-', `namespacePrefix: ${NS}prod-`);
}

/** The cluster given by --kubeconfig, or a control plane of the demo's own. */
async function clusterToUse(work: string): Promise<{ kubeconfig: string; context?: string }> {
  if (flags.kubeconfig) {
    const target = { kubeconfig: flags.kubeconfig, context: flags.context };
    const server = await kubectl(target, [
      'config',
      'view',
      '--minify',
      '-o',
      'jsonpath={.clusters[0].cluster.server}',
    ]);
    info(
      `\nUsing the cluster of ${flags.kubeconfig}${flags.context ? ` (context ${flags.context})` : ''} at ${server}`,
    );
    info(`  the demo's namespaces start with ${NS} and are deleted at the end`);
    cleanups.push(async () => {
      const all = await kubectl(target, ['get', 'namespaces', '-o', 'name']);
      const mine = all.split('\n').filter((n) => n.startsWith(`namespace/${NS}`));
      if (mine.length) await kubectl(target, ['delete', ...mine, '--wait=false']);
      info(`removed namespaces ${mine.map((n) => n.slice('namespace/'.length)).join(', ') || '(none)'}`);
    });
    return target;
  }
  info(
    '\nStarting a local Kubernetes control plane (kube-apiserver, controller-manager, scheduler, kwok)...',
  );
  await ensureClusterBinaries();
  const cluster = await startCluster({ dir: join(work, 'cluster'), name: 'syncwave-demo' });
  cleanups.push(async () => {
    await cluster.stop();
    await rm(join(work, 'cluster'), { recursive: true, force: true });
  });
  info(
    `  ready in ${(cluster.startMs / 1000).toFixed(1)} s at ${cluster.server} (kubeconfig ${cluster.kubeconfigPath})`,
  );
  return { kubeconfig: cluster.kubeconfigPath, context: 'syncwave-demo' };
}

interface Ctx {
  work: string;
  kube: KubeTarget;
  git: RunningGitServer;
  repo: GitWorkRepo;
  remote: string;
  serve: ServeProcess;
  api: ApiClient;
  secret: string;
  logFile: string;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'syncwave-demo-'));
  const logFile = join(work, 'serve.log');
  info('syncwave demo: GitOps for Kubernetes with no controller in the cluster.');
  info(`Working directory ${work}; syncwave serve's log: ${logFile}`);

  // --- setup -----------------------------------------------------------------------------
  const kube = await clusterToUse(work);
  const git = await startGitServer({ root: join(work, 'git') });
  cleanups.push(() => git.stop());
  const remote = `${git.url}/gitops.git`;
  // main starts as the platform team's bootstrap: the environments, no apps yet.
  const bootstrap = join(work, 'bootstrap');
  await mkdir(bootstrap, { recursive: true });
  const fullConfig = await readFile(join(EXAMPLES, 'syncwave.yaml'), 'utf8');
  await writeFile(
    join(bootstrap, 'syncwave.yaml'),
    prefixNamespaces(`${fullConfig.slice(0, fullConfig.indexOf('\napps:'))}\napps: []\n`),
  );
  const repo = await createWorkRepo({
    dir: join(work, 'gitops'),
    from: bootstrap,
    bareDir: join(work, 'git', 'gitops.git'),
    remoteUrl: remote,
    branches: ['main'],
    message: 'Bootstrap: environments dev (develop) and prod (main)',
  });
  info(`  git server ${git.url}: repository ${remote}, branch main with syncwave.yaml (environments only)`);

  const secret = randomBytes(24).toString('hex');
  const secretFile = join(work, 'webhook-secret');
  await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  const serve = await startServe({
    repo: remote,
    dataDir: join(work, 'data'),
    secretFile,
    kubeconfig: kube.kubeconfig,
    context: kube.context,
    driftInterval: '5s',
    logFile,
  });
  cleanups.push(() => serve.stop());
  info(
    `  syncwave serve --repo ${remote} --port ${serve.port} --api-port ${serve.apiPort} --webhook-secret-file ${secretFile} --data-dir ${join(work, 'data')} --kubeconfig ${kube.kubeconfig}${kube.context ? ` --context ${kube.context}` : ''} --drift-interval 5s --log-format json`,
  );
  info(
    `  webhook on ${serve.url} (POST /webhook); API on ${serve.apiUrl} (the CLI reads its token from ${join(work, 'data', 'api-token')}); setup took ${elapsed()}`,
  );

  const ctx: Ctx = {
    work,
    kube,
    git,
    repo,
    remote,
    serve,
    api: new ApiClient({ server: serve.apiUrl, token: serve.token }),
    secret,
    logFile,
  };

  setSteps(7);
  await firstDeploy(ctx);
  const tagCommit = await imageTag(ctx);
  await scale(ctx);
  await envVar(ctx);
  await selfHeal(ctx);
  await revert(ctx, tagCommit);
  await promote(ctx);

  // --- the end ------------------------------------------------------------------------------
  process.stdout.write('\n');
  info('Where everything stands now:');
  await show(ctx, ['app', 'list']);
  await show(ctx, ['app', 'history', 'frontend', '--env', 'dev']);
}

// --- helpers --------------------------------------------------------------------------------

/** Runs the syncwave CLI against the demo's server, prints the command and its output. */
async function show(ctx: Ctx, args: string[], expectCode = 0): Promise<string> {
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

async function kubectlShown(ctx: Ctx, args: string[]): Promise<string> {
  command(`kubectl ${args.join(' ')}`);
  const out = await kubectl(ctx.kube, args);
  if (out) output(out);
  return out;
}

/** Commits the working tree, pushes `branch` and delivers the signed push webhook; returns the new head. */
async function pushAndNotify(ctx: Ctx, branch: string, before: string): Promise<string> {
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

async function apps(ctx: Ctx, env: string): Promise<AppState[]> {
  return (await ctx.api.listApps(env)).apps;
}

async function history(ctx: Ctx, env: string, app: string): Promise<HistoryEntry[]> {
  try {
    return (await ctx.api.history(app, env)).history;
  } catch {
    return [];
  }
}

const describeApps = (ctx: Ctx, env: string) => async (): Promise<string> =>
  (await apps(ctx, env))
    .map(
      (a) =>
        `${a.app} ${a.syncStatus}/${a.health.status}@${a.revision?.slice(0, 7)}${a.lastOperation?.message ? ` (${a.lastOperation.message})` : ''}`,
    )
    .join('; ') || 'no apps synced';

/** Waits until `names` in `env` are Synced and Healthy at `revision` with no operation running. */
async function waitSynced(
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

async function deployment(ctx: Ctx, ns: string, name = 'frontend'): Promise<DeploymentJson> {
  return kubectlJson<DeploymentJson>(ctx.kube, ['get', 'deployment', name, '-n', ns]);
}

const imageOf = (d: DeploymentJson): string => d.spec.template.spec.containers[0]?.image ?? '';

async function historyCounts(ctx: Ctx, env: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const a of APPS) out[a] = (await history(ctx, env, a)).length;
  return out;
}

/** Waits for the Deployment's rollout to finish (all replicas updated and ready). */
async function waitRolledOut(
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

async function writeFrontendValues(ctx: Ctx, file: string, edit: (text: string) => string): Promise<void> {
  const path = join(ctx.repo.dir, 'apps', 'frontend', file);
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

// --- the steps --------------------------------------------------------------------------------

async function firstDeploy(ctx: Ctx): Promise<void> {
  step(
    'First deploy of dev, in waves',
    'A developer adds three apps on the develop branch (the dev environment):\ndatabase (wave 0, plain YAML), backend (wave 1, Kustomize), frontend (wave 2, Helm chart).\nsyncwave deploys each wave only once the previous one is healthy.',
  );
  command(
    'git checkout -b develop && cp -r examples/* . && git commit -am "Add database, backend and frontend"',
  );
  await ctx.repo.git('checkout', '-q', '-b', 'develop');
  await cp(EXAMPLES, ctx.repo.dir, { recursive: true });
  const config = join(ctx.repo.dir, 'syncwave.yaml');
  await writeFile(config, prefixNamespaces(await readFile(config, 'utf8')));
  await ctx.repo.commitAll('Add database, backend and frontend');
  const head = await pushAndNotify(ctx, 'develop', ZERO_SHA);
  const t0 = Date.now();
  await waitSynced(ctx, 'dev', APPS, head, 150_000);
  ok(`all three apps Synced and Healthy ${((Date.now() - t0) / 1000).toFixed(1)} s after the webhook`);
  await show(ctx, ['app', 'list', '--env', 'dev']);

  const entries: Array<{ app: string; h: HistoryEntry }> = [];
  for (const app of APPS) {
    const h = (await history(ctx, 'dev', app))[0];
    check(h, `no history entry for dev/${app}`);
    entries.push({ app, h });
  }
  const base = Math.min(...entries.map((e) => Date.parse(e.h.startedAt)));
  const rel = (t: string): string => `+${((Date.parse(t) - base) / 1000).toFixed(1)} s`;
  note('When each app was synced (from `syncwave app history`):');
  for (const [i, { app, h }] of entries.entries())
    output(
      `wave ${i}  ${app.padEnd(9)} sync started ${rel(h.startedAt).padStart(7)}, applied ${rel(h.finishedAt).padStart(7)}   (${h.initiator})`,
    );
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1]!;
    const cur = entries[i]!;
    check(
      Date.parse(cur.h.startedAt) >= Date.parse(prev.h.finishedAt),
      `${cur.app} (wave ${i}) started at ${cur.h.startedAt}, before ${prev.app} (wave ${i - 1}) was healthy at ${prev.h.finishedAt}`,
    );
  }
  ok('waves 0 -> 1 -> 2: each wave started only once the previous wave was applied and Healthy');
}

async function imageTag(ctx: Ctx): Promise<string> {
  step(
    'New frontend image: tag 2.0.0 -> 2.0.1',
    'One line in apps/frontend/values.yaml changes. The webhook lists the changed path,\nso only the frontend app syncs; Kubernetes rolls the Deployment to the new image.',
  );
  const before = await ctx.repo.head();
  const counts = await historyCounts(ctx, 'dev');
  const rsBefore = await kubectlJson<{ items: ReplicaSetJson[] }>(ctx.kube, [
    'get',
    'replicasets',
    '-n',
    `${NS}dev-frontend`,
  ]);
  command(
    `sed -i 's/tag: "2.0.0"/tag: "2.0.1"/' apps/frontend/values.yaml && git commit -am "frontend 2.0.1"`,
  );
  await writeFrontendValues(ctx, 'values.yaml', (t) => t.replace('tag: "2.0.0"', 'tag: "2.0.1"'));
  const tagCommit = await ctx.repo.commitAll('frontend 2.0.1');
  const head = await pushAndNotify(ctx, 'develop', before);
  await waitSynced(ctx, 'dev', ['frontend'], head);
  const d = await waitRolledOut(
    ctx,
    `${NS}dev-frontend`,
    (x) => imageOf(x).endsWith(':2.0.1'),
    'the frontend rollout to 2.0.1',
  );
  ok(`frontend Synced and Healthy at ${head.slice(0, 7)}: Deployment image ${imageOf(d)}`);
  const after = await historyCounts(ctx, 'dev');
  check(
    after.database === counts.database && after.backend === counts.backend,
    `database or backend synced again: history counts ${JSON.stringify(counts)} -> ${JSON.stringify(after)}`,
  );
  check(
    after.frontend === (counts.frontend ?? 0) + 1,
    `frontend should have one new history entry: ${counts.frontend} -> ${after.frontend}`,
  );
  ok(
    `only frontend synced: history entries database ${after.database}, backend ${after.backend} (unchanged), frontend ${counts.frontend} -> ${after.frontend}`,
  );

  await kubectlShown(ctx, [
    'get',
    'replicasets',
    '-n',
    `${NS}dev-frontend`,
    '-o',
    'custom-columns=REPLICASET:.metadata.name,IMAGE:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,READY:.status.readyReplicas',
  ]);
  const rs = await kubectlJson<{ items: ReplicaSetJson[] }>(ctx.kube, [
    'get',
    'replicasets',
    '-n',
    `${NS}dev-frontend`,
  ]);
  const newRs = rs.items.filter((r) => r.spec.template.spec.containers[0]?.image.endsWith(':2.0.1'));
  const oldRs = rs.items.filter((r) => r.spec.template.spec.containers[0]?.image.endsWith(':2.0.0'));
  check(
    newRs.length === 1 && newRs[0]!.spec.replicas >= 1,
    'expected one ReplicaSet with image 2.0.1 and replicas',
  );
  check(oldRs.length === 1 && oldRs[0]!.spec.replicas === 0, 'expected the 2.0.0 ReplicaSet scaled to 0');
  check(
    rsBefore.items.some((r) => r.metadata.name === oldRs[0]!.metadata.name),
    'the 2.0.0 ReplicaSet should be the one that ran before the push',
  );
  ok(
    `rolling update: new ReplicaSet ${newRs[0]!.metadata.name} (2.0.1) up, old ${oldRs[0]!.metadata.name} (2.0.0) scaled to 0`,
  );
  return tagCommit;
}

async function scale(ctx: Ctx): Promise<void> {
  step(
    'Scale the frontend to 3 replicas in dev',
    "apps/frontend/values-dev.yaml holds dev's replicaCount (values.yaml says 2, prod says 3).",
  );
  const before = await ctx.repo.head();
  command(
    `sed -i 's/replicaCount: 1/replicaCount: 3/' apps/frontend/values-dev.yaml && git commit -am "dev: frontend x3"`,
  );
  await writeFrontendValues(ctx, 'values-dev.yaml', (t) => t.replace('replicaCount: 1', 'replicaCount: 3'));
  await ctx.repo.commitAll('dev: frontend x3');
  const head = await pushAndNotify(ctx, 'develop', before);
  await waitSynced(ctx, 'dev', ['frontend'], head);
  const d = await waitRolledOut(
    ctx,
    `${NS}dev-frontend`,
    (x) => x.spec.replicas === 3,
    'frontend to run 3 ready replicas',
  );
  await kubectlShown(ctx, ['get', 'deployment', 'frontend', '-n', `${NS}dev-frontend`]);
  ok(
    `Deployment ${NS}dev-frontend/frontend has ${d.spec.replicas} replicas, ${d.status.readyReplicas} ready`,
  );
}

async function envVar(ctx: Ctx): Promise<void> {
  step(
    'Add an environment variable',
    'FEATURE_CHECKOUT_V2=true is added to the frontend container in dev (values-dev.yaml `env`).',
  );
  const before = await ctx.repo.head();
  command(
    'echo "  - { name: FEATURE_CHECKOUT_V2, value: \\"true\\" }" >> apps/frontend/values-dev.yaml && git commit -am "dev: checkout v2"',
  );
  await writeFrontendValues(
    ctx,
    'values-dev.yaml',
    (t) => `${t.replace(/\n*$/, '\n')}  - name: FEATURE_CHECKOUT_V2\n    value: "true"\n`,
  );
  await ctx.repo.commitAll('dev: checkout v2');
  const head = await pushAndNotify(ctx, 'develop', before);
  await waitSynced(ctx, 'dev', ['frontend'], head);
  const d = await waitRolledOut(
    ctx,
    `${NS}dev-frontend`,
    (x) =>
      (x.spec.template.spec.containers[0]?.env ?? []).some(
        (e) => e.name === 'FEATURE_CHECKOUT_V2' && e.value === 'true',
      ),
    'the rollout with FEATURE_CHECKOUT_V2',
  );
  await kubectlShown(ctx, [
    'get',
    'deployment',
    'frontend',
    '-n',
    `${NS}dev-frontend`,
    '-o',
    'jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}={.value}{"\\n"}{end}',
  ]);
  ok(
    `the frontend container now has ${(d.spec.template.spec.containers[0]?.env ?? []).map((e) => e.name).join(', ')}; ${d.status.readyReplicas} replicas ready`,
  );
}

async function selfHeal(ctx: Ctx): Promise<void> {
  step(
    'Someone scales by hand: self-heal',
    'A manual `kubectl scale` makes the cluster differ from Git. The drift loop (every 5 s here,\n3 minutes by default) notices and, as selfHeal is on, syncs the app back to Git.',
  );
  const before = (await history(ctx, 'dev', 'frontend')).length;
  await kubectlShown(ctx, ['scale', 'deployment/frontend', '-n', `${NS}dev-frontend`, '--replicas=5']);
  const t0 = Date.now();
  const healed = await waitFor(
    'a self-heal sync of dev/frontend',
    async () => {
      const list = await history(ctx, 'dev', 'frontend');
      return list
        .slice(0, list.length - before)
        .find((h) => h.initiator === 'self-heal' && h.phase === 'Succeeded');
    },
    { timeoutMs: 60_000, describe: describeApps(ctx, 'dev') },
  );
  const d = await waitRolledOut(
    ctx,
    `${NS}dev-frontend`,
    (x) => x.spec.replicas === 3,
    'frontend back at 3 replicas',
  );
  ok(
    `self-healed ${((Date.now() - t0) / 1000).toFixed(1)} s after the manual scale: replicas ${d.spec.replicas} (Git), ${d.status.readyReplicas} ready`,
  );
  const out = await show(ctx, ['app', 'history', 'frontend', '--env', 'dev']);
  check(out.includes('self-heal'), '`app history frontend` should list the self-heal sync');
  ok(`history entry ${healed.id}: initiator self-heal, ${healed.message}`);
}

async function revert(ctx: Ctx, tagCommit: string): Promise<void> {
  step(
    'Roll back with git revert',
    '2.0.1 has a bug: reverting its commit is the rollback. Git stays the only source of truth.',
  );
  const before = await ctx.repo.head();
  command(`git revert --no-edit ${tagCommit.slice(0, 7)}`);
  await ctx.repo.git('revert', '--no-edit', tagCommit);
  const head = await pushAndNotify(ctx, 'develop', before);
  await waitSynced(ctx, 'dev', ['frontend'], head);
  const d = await waitRolledOut(
    ctx,
    `${NS}dev-frontend`,
    (x) => imageOf(x).endsWith(':2.0.0'),
    'the rollout back to 2.0.0',
  );
  check(d.spec.replicas === 3, `replicas should stay 3, got ${d.spec.replicas}`);
  ok(`frontend back on ${imageOf(d)} with ${d.status.readyReplicas} replicas ready (scale and env var kept)`);
}

async function promote(ctx: Ctx): Promise<void> {
  step(
    'Promote develop to prod',
    "Merging develop into main is the promotion. The prod environment (branch main, namespaces\nprod-*) gets all three apps, in waves, with prod's values (3 frontend replicas).",
  );
  command('git checkout main && git merge --no-ff develop -m "Promote develop to prod"');
  await ctx.repo.checkout('main');
  const before = await ctx.repo.head();
  await ctx.repo.git('merge', '--no-ff', '-q', 'develop', '-m', 'Promote develop to prod');
  const head = await pushAndNotify(ctx, 'main', before);
  const t0 = Date.now();
  await waitSynced(ctx, 'prod', APPS, head, 150_000);
  ok(`prod: all three apps Synced and Healthy ${((Date.now() - t0) / 1000).toFixed(1)} s after the webhook`);
  const entries = [];
  for (const app of APPS) {
    const h = (await history(ctx, 'prod', app))[0];
    check(h, `no history entry for prod/${app}`);
    entries.push({ app, h });
  }
  for (let i = 1; i < entries.length; i++) {
    check(
      Date.parse(entries[i]!.h.startedAt) >= Date.parse(entries[i - 1]!.h.finishedAt),
      `prod ${entries[i]!.app} started before ${entries[i - 1]!.app} was healthy`,
    );
  }
  ok('prod deployed in waves: database -> backend -> frontend');
  await kubectlShown(ctx, ['get', 'deployments,statefulsets', '-n', `${NS}prod-frontend`]);
  const d = await waitRolledOut(
    ctx,
    `${NS}prod-frontend`,
    (x) => x.spec.replicas === 3,
    'prod frontend with 3 ready replicas',
  );
  check(imageOf(d).endsWith(':2.0.0'), `prod frontend image should be 2.0.0, got ${imageOf(d)}`);
  const ns = await kubectl(ctx.kube, ['get', 'namespaces', '-o', 'name']);
  for (const n of ['prod-database', 'prod-backend', 'prod-frontend'].map((x) => `${NS}${x}`))
    check(ns.includes(`namespace/${n}`), `namespace ${n} is missing`);
  ok(
    `${NS}prod-database, ${NS}prod-backend, ${NS}prod-frontend exist; prod frontend runs ${imageOf(d)} x${d.status.readyReplicas}`,
  );
}

// --- run ------------------------------------------------------------------------------------

let code = 0;
try {
  await main();
  process.stdout.write(`\n\u2714 demo complete: every step checked, in ${elapsed()}.\n`);
} catch (err) {
  code = 1;
  const where = currentStep() ? `in step ${currentStep()}` : 'during setup';
  fail(`${where}: ${(err as Error).message}`);
  if (!(err instanceof CheckError) && (err as Error).stack) info((err as Error).stack ?? '');
  info("syncwave serve's log is kept in the working directory printed at the top.");
}
await cleanup();
process.exit(code);
