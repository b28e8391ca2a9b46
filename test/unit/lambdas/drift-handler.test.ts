/**
 * lambdas/drift/handler.ts without AWS or a cluster: checkDrift and the runtime's queue are
 * replaced, to check what is queued, what is measured, and that one environment's failure does
 * not hide the others (the end-to-end path is in test/integration/aws-e2e.test.ts).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DriftReport, Environment, Job } from '../../../engine/index.ts';

const checkDrift = vi.fn<(env: Environment, deps: unknown, opts: { repo: string }) => Promise<DriftReport>>();
const send = vi.fn<(job: Job) => Promise<void>>();

vi.mock('../../../engine/index.ts', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  checkDrift: (...args: Parameters<typeof checkDrift>) => checkDrift(...args),
}));
vi.mock('../../../lambdas/shared/sync-deps.ts', async () => {
  const { syncConfigFromEnv } = await import('../../../lambdas/shared/sync-config.ts');
  return {
    createSyncRuntime: () => ({
      config: syncConfigFromEnv(process.env),
      queue: { send: (job: Job) => send(job) },
      state: { listApps: async (env: string) => apps.filter((a) => a.env === env) },
      deps: async () => ({}),
      cleanup: async () => ({ cacheBytes: 0 }),
    }),
  };
});

let apps: Array<{ env: string; app: string; health: { status: string } }> = [];
type Handler = (event: unknown) => Promise<{ environments: Array<Record<string, unknown>> }>;
let handler: Handler;
let emitted: string[] = [];

beforeAll(async () => {
  vi.stubEnv(
    'SYNCWAVE_ENVIRONMENTS',
    JSON.stringify([
      { name: 'dev', branch: 'develop', cluster: 'dev' },
      { name: 'prod', branch: 'main', cluster: 'prod' },
    ]),
  );
  vi.stubEnv('SYNCWAVE_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo');
  vi.stubEnv('SYNCWAVE_TABLE_NAME', 'state');
  vi.stubEnv('SYNCWAVE_BUCKET_NAME', 'desired');
  vi.stubEnv('SYNCWAVE_REPO', 'acme/gitops');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  ({ handler } = (await import('../../../lambdas/drift/handler.ts')) as unknown as { handler: Handler });
});

beforeEach(() => {
  checkDrift.mockReset();
  send.mockReset();
  apps = [];
  send.mockResolvedValue();
  emitted = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    if (text.includes('"_aws"')) emitted.push(text);
    else write(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const selfHeal = (env: string, app: string): Job => ({
  id: `self-heal:${env}:${app}:1`,
  repo: 'acme/gitops',
  env,
  revision: 'a'.repeat(40),
  changedPaths: [],
  reason: 'self-heal',
  apps: [app],
  enqueuedAt: '2026-11-27T10:00:00.000Z',
});

/** EMF documents: metric name -> value, with the dimensions they were emitted under. */
function metricsOut(): Array<{ dims: string[]; values: Record<string, unknown> }> {
  return emitted
    .flatMap((t) => t.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l))
    .map((doc) => ({
      dims: doc._aws.CloudWatchMetrics[0].Dimensions[0],
      values: Object.fromEntries(
        doc._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => [m.Name, doc[m.Name]]),
      ),
    }));
}

describe('drift handler', () => {
  it('queues every job of every environment and measures out-of-sync apps and corrections', async () => {
    checkDrift.mockImplementation(async (env) =>
      env.name === 'dev'
        ? {
            env: 'dev',
            head: 'a'.repeat(40),
            jobs: [selfHeal('dev', 'backend')],
            outOfSync: ['backend', 'frontend'],
            drifted: [],
            unknown: [],
          }
        : { env: 'prod', head: 'b'.repeat(40), jobs: [], outOfSync: [], drifted: [], unknown: [] },
    );
    const summary = await handler({ 'detail-type': 'Scheduled Event', source: 'aws.scheduler' });
    expect(checkDrift.mock.calls.map((c) => [c[0].name, c[2].repo])).toEqual([
      ['dev', 'acme/gitops'],
      ['prod', 'acme/gitops'],
    ]);
    expect(send).toHaveBeenCalledWith(selfHeal('dev', 'backend'));
    expect(summary.environments).toMatchObject([
      { env: 'dev', outOfSync: ['backend', 'frontend'], jobs: [{ reason: 'self-heal', apps: ['backend'] }] },
      { env: 'prod', outOfSync: [], jobs: [] },
    ]);
    const out = metricsOut();
    expect(out).toContainEqual({ dims: ['service', 'env'], values: { AppsOutOfSync: 2 } });
    expect(out).toContainEqual({ dims: ['service', 'env'], values: { AppsOutOfSync: 0 } });
    expect(out).toContainEqual({
      dims: ['service'],
      values: { AppsOutOfSync: 2, DriftCorrections: 1, DriftReadErrors: 0, AppsDegraded: 0 },
    });
  });

  it('counts apps it could not read and Degraded apps, per environment and in total', async () => {
    apps = [
      { env: 'dev', app: 'backend', health: { status: 'Degraded' } },
      { env: 'dev', app: 'frontend', health: { status: 'Healthy' } },
      { env: 'prod', app: 'db', health: { status: 'Degraded' } },
    ];
    const reason = 'cannot read live objects: Secret/web/creds: list forbidden (403)';
    checkDrift.mockImplementation(async (env) => ({
      env: env.name,
      head: 'a'.repeat(40),
      jobs: [],
      outOfSync: [],
      drifted: [],
      unknown: env.name === 'dev' ? [{ app: 'backend', reason }] : [],
    }));
    const summary = await handler({});
    expect(summary.environments).toMatchObject([
      { env: 'dev', unknown: [{ app: 'backend', reason }], degraded: ['backend'] },
      { env: 'prod', unknown: [], degraded: ['db'] },
    ]);
    const out = metricsOut();
    expect(out).toContainEqual({ dims: ['service', 'env'], values: { DriftReadErrors: 1 } });
    expect(out).toContainEqual({ dims: ['service', 'env'], values: { DriftReadErrors: 0 } });
    expect(out.filter((m) => m.values.AppsDegraded === 1 && m.dims.includes('env'))).toHaveLength(2);
    expect(out).toContainEqual({
      dims: ['service'],
      values: { AppsOutOfSync: 0, DriftCorrections: 0, DriftReadErrors: 1, AppsDegraded: 2 },
    });
  });

  it('checks every environment before failing for the one that could not be checked', async () => {
    checkDrift.mockImplementation(async (env) => {
      if (env.name === 'dev') throw new Error('cluster dev unreachable');
      return {
        env: 'prod',
        head: 'b'.repeat(40),
        jobs: [selfHeal('prod', 'db')],
        outOfSync: ['db'],
        drifted: [],
        unknown: [],
      };
    });
    await expect(handler({})).rejects.toThrow(/dev: cluster dev unreachable/);
    expect(send).toHaveBeenCalledWith(selfHeal('prod', 'db'));
  });
});
