// Hooks with metadata.generateName, as in Argo CD's sync-waves pattern: each sync creates new
// Jobs (POST), runs them PreSync -> Sync -> PostSync, and deletes them by their policies.
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../engine/model.ts';
import { HOOK_GENERATE_NAME } from '../../engine/sync/generated-hooks.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

const job = (generateName: string, annotations: Record<string, string>) => `apiVersion: batch/v1
kind: Job
metadata:
  generateName: ${generateName}
  annotations:
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - { name: run, image: busybox:1.36, command: ["true"] }
`;

const time = (iso: unknown) => new Date(String(iso)).getTime();

describe('hooks with generateName', () => {
  let t: EngineEnv;
  const runsOf = async (app: string, generateName: string): Promise<KubeObject[]> =>
    (await t.cluster.list('batch/v1', 'Job', { namespace: t.ns(app) })).filter(
      (j) => j.metadata.annotations?.[HOOK_GENERATE_NAME] === generateName,
    );

  beforeAll(async () => {
    t = await engineEnv('genhooks');
    await t.repo.write(
      'apps/database/migrate.yaml',
      job('upgrade-sql-schema-', { 'argocd.argoproj.io/hook': 'PreSync' }),
    );
    await t.repo.write(
      'apps/database/seed.yaml',
      job('seed-', {
        'argocd.argoproj.io/hook': 'Sync',
        'argocd.argoproj.io/sync-wave': '1',
        'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      }),
    );
    await t.repo.write(
      'apps/database/smoke.yaml',
      job('smoke-', {
        'argocd.argoproj.io/hook': 'PostSync',
        'argocd.argoproj.io/hook-delete-policy': 'HookFailed',
      }),
    );
    await t.repo.write(
      'apps/frontend/templates/pre-install.yaml',
      job('frontend-prepare-', {
        'helm.sh/hook': 'pre-install,pre-upgrade',
        'helm.sh/hook-weight': '-1',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
      }),
    );
  });

  it('runs PreSync, Sync and PostSync runs in order on the first sync, recording the run names', async () => {
    const result = await t.push('hooks with generateName');
    expect(result.outcome, result.message).toBe('succeeded');
    const database = result.apps.find((a) => a.app === 'database');
    const order = database?.resources.map((r) => `${r.phase}:${r.kind}`) ?? [];
    expect(order[0]).toBe('PreSync:Job');
    expect(order.at(-1)).toBe('PostSync:Job');
    const hooks = database?.resources.filter((r) => r.kind === 'Job') ?? [];
    expect(hooks.map((h) => h.outcome)).toEqual(['created', 'created', 'created']);
    const migrate = hooks.find((h) => h.phase === 'PreSync');
    expect(migrate?.name).toMatch(
      new RegExp(`^upgrade-sql-schema-${result.revision.slice(0, 7)}-presync-\\d+$`),
    );

    // BeforeHookCreation (the default) keeps the run until the next sync; HookFailed keeps a success
    const [migrateRun] = await runsOf('database', 'upgrade-sql-schema-');
    const [smokeRun] = await runsOf('database', 'smoke-');
    expect(migrateRun?.metadata.name).toBe(migrate?.name);
    expect((migrateRun?.status as { succeeded?: number } | undefined)?.succeeded).toBe(1);
    // HookSucceeded: the Sync run is gone once it succeeded
    expect(await runsOf('database', 'seed-')).toEqual([]);
    // PostSync was created only after the PreSync run had completed
    const completed = time((migrateRun?.status as { completionTime?: string } | undefined)?.completionTime);
    expect(time(smokeRun?.metadata.creationTimestamp)).toBeGreaterThanOrEqual(completed);
    const statefulSet = await t.cluster.get('apps/v1', 'StatefulSet', 'postgres', t.ns('database'));
    expect(time(statefulSet?.metadata.creationTimestamp)).toBeGreaterThanOrEqual(completed);

    // Helm hooks: pre-install -> PreSync, weight -> wave, hook-succeeded -> deleted
    const frontend = result.apps.find((a) => a.app === 'frontend');
    const prepare = frontend?.resources.find((r) => r.kind === 'Job');
    expect(prepare).toMatchObject({ phase: 'PreSync', wave: -1, outcome: 'created' });
    expect(frontend?.resources[0]?.kind).toBe('Job');
    expect(await runsOf('frontend', 'frontend-prepare-')).toEqual([]);
  });

  it('creates new Jobs on the next sync and deletes earlier runs only where BeforeHookCreation says', async () => {
    const [firstMigrate] = await runsOf('database', 'upgrade-sql-schema-');
    const [firstSmoke] = await runsOf('database', 'smoke-');
    await t.repo.write(
      'apps/database/configmap.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: postgres-config\ndata:\n  POSTGRES_DB: app2\n  POSTGRES_USER: app\n',
    );
    const result = await t.push('second sync');
    expect(result.outcome, result.message).toBe('succeeded');
    const migrate = await runsOf('database', 'upgrade-sql-schema-');
    expect(migrate).toHaveLength(1);
    expect(migrate[0]?.metadata.name).not.toBe(firstMigrate?.metadata.name);
    expect(migrate[0]?.metadata.uid).not.toBe(firstMigrate?.metadata.uid);
    const smoke = (await runsOf('database', 'smoke-')).map((j) => j.metadata.name).sort();
    expect(smoke).toHaveLength(2);
    expect(smoke).toContain(firstSmoke?.metadata.name);
    const history = await t.state.listHistory(t.env, 'database', 1);
    expect(history[0]?.resources.find((r) => r.phase === 'PreSync')?.name).toBe(migrate[0]?.metadata.name);
  });
});
