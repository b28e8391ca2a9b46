// `npm run demo`: the whole GitOps flow of syncwave on this machine, checked step by step.
//
// It starts a real Kubernetes control plane (harness/cluster.ts), a real git server on loopback
// holding a GitOps repository made from examples/, and `syncwave serve` as a child process.
// Then it plays what a team does: push to develop (signed GitHub webhooks), change an image
// tag, scale, add an env var, someone scales by hand (self-heal), git revert, and promotion of
// develop to main (prod). Every step is verified against the cluster; the demo exits non-zero
// naming the step that did not happen.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cli/client/api-client.ts';
import { ensureClusterBinaries, startCluster } from '../harness/cluster.ts';
import { startGitServer } from '../harness/git-server.ts';
import { createWorkRepo } from '../harness/git-work-repo.ts';
import { type Ctx, EXAMPLES, prefixNamespaces, show } from './demo/demo-context.ts';
import { kubectl } from './demo/kubectl.ts';
import { CheckError, currentStep, fail, info, setSteps } from './demo/narrate.ts';
import { startServe } from './demo/serve-process.ts';
import { envVar, firstDeploy, imageTag, promote, revert, scale, selfHeal } from './demo/steps.ts';

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
    prefixNamespaces(`${fullConfig.slice(0, fullConfig.indexOf('\napps:'))}\napps: []\n`, NS),
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
    prefix: NS,
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
