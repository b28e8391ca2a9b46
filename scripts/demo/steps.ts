// The demo's seven steps, each checked against the cluster and syncwave's API.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEntry } from '../../engine/history.ts';
import {
  APPS,
  type Ctx,
  describeApps,
  EXAMPLES,
  history,
  historyCounts,
  imageOf,
  kubectlShown,
  prefixNamespaces,
  pushAndNotify,
  show,
  waitRolledOut,
  waitSynced,
  writeFrontendValues,
} from './demo-context.ts';
import { ZERO_SHA } from './github-push.ts';
import { kubectl, kubectlJson, type ReplicaSetJson } from './kubectl.ts';
import { check, command, note, ok, output, step, waitFor } from './narrate.ts';
export async function firstDeploy(ctx: Ctx): Promise<void> {
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
  await writeFile(config, prefixNamespaces(await readFile(config, 'utf8'), ctx.prefix));
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

export async function imageTag(ctx: Ctx): Promise<string> {
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
    `${ctx.prefix}dev-frontend`,
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
    `${ctx.prefix}dev-frontend`,
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
    `${ctx.prefix}dev-frontend`,
    '-o',
    'custom-columns=REPLICASET:.metadata.name,IMAGE:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,READY:.status.readyReplicas',
  ]);
  const rs = await kubectlJson<{ items: ReplicaSetJson[] }>(ctx.kube, [
    'get',
    'replicasets',
    '-n',
    `${ctx.prefix}dev-frontend`,
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

export async function scale(ctx: Ctx): Promise<void> {
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
    `${ctx.prefix}dev-frontend`,
    (x) => x.spec.replicas === 3,
    'frontend to run 3 ready replicas',
  );
  await kubectlShown(ctx, ['get', 'deployment', 'frontend', '-n', `${ctx.prefix}dev-frontend`]);
  ok(
    `Deployment ${ctx.prefix}dev-frontend/frontend has ${d.spec.replicas} replicas, ${d.status.readyReplicas} ready`,
  );
}

export async function envVar(ctx: Ctx): Promise<void> {
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
    `${ctx.prefix}dev-frontend`,
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
    `${ctx.prefix}dev-frontend`,
    '-o',
    'jsonpath={range .spec.template.spec.containers[0].env[*]}{.name}={.value}{"\\n"}{end}',
  ]);
  ok(
    `the frontend container now has ${(d.spec.template.spec.containers[0]?.env ?? []).map((e) => e.name).join(', ')}; ${d.status.readyReplicas} replicas ready`,
  );
}

export async function selfHeal(ctx: Ctx): Promise<void> {
  step(
    'Someone scales by hand: self-heal',
    'A manual `kubectl scale` makes the cluster differ from Git. The drift loop (every 5 s here,\n3 minutes by default) notices and, as selfHeal is on, syncs the app back to Git.',
  );
  const before = (await history(ctx, 'dev', 'frontend')).length;
  await kubectlShown(ctx, [
    'scale',
    'deployment/frontend',
    '-n',
    `${ctx.prefix}dev-frontend`,
    '--replicas=5',
  ]);
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
    `${ctx.prefix}dev-frontend`,
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

export async function revert(ctx: Ctx, tagCommit: string): Promise<void> {
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
    `${ctx.prefix}dev-frontend`,
    (x) => imageOf(x).endsWith(':2.0.0'),
    'the rollout back to 2.0.0',
  );
  check(d.spec.replicas === 3, `replicas should stay 3, got ${d.spec.replicas}`);
  ok(`frontend back on ${imageOf(d)} with ${d.status.readyReplicas} replicas ready (scale and env var kept)`);
}

export async function promote(ctx: Ctx): Promise<void> {
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
  await kubectlShown(ctx, ['get', 'deployments,statefulsets', '-n', `${ctx.prefix}prod-frontend`]);
  const d = await waitRolledOut(
    ctx,
    `${ctx.prefix}prod-frontend`,
    (x) => x.spec.replicas === 3,
    'prod frontend with 3 ready replicas',
  );
  check(imageOf(d).endsWith(':2.0.0'), `prod frontend image should be 2.0.0, got ${imageOf(d)}`);
  const ns = await kubectl(ctx.kube, ['get', 'namespaces', '-o', 'name']);
  for (const n of ['prod-database', 'prod-backend', 'prod-frontend'].map((x) => `${ctx.prefix}${x}`))
    check(ns.includes(`namespace/${n}`), `namespace ${n} is missing`);
  ok(
    `${ctx.prefix}prod-database, ${ctx.prefix}prod-backend, ${ctx.prefix}prod-frontend exist; prod frontend runs ${imageOf(d)} x${d.status.readyReplicas}`,
  );
}
