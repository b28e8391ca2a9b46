// The preview job in the engine against the real control plane and a real git repository: it
// takes no environment lease (a deploy may hold it meanwhile), and its cluster refuses writes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../engine/model.ts';
import { dryRunOnly, PreviewWriteError } from '../../engine/preview/dry-run-only.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type EngineEnv, engineEnv } from '../support/engine-env.ts';

let e: EngineEnv;

beforeAll(async () => {
  e = await engineEnv('pen');
  const first = await e.push('first deploy');
  if (first.outcome !== 'succeeded') throw new Error(`first deploy: ${first.message}`);
});

afterAll(async () => {
  for (const app of ['database', 'backend', 'frontend'])
    await kubectl(process.env.KUBECONFIG ?? '', [
      'delete',
      'namespace',
      e.ns(app),
      '--ignore-not-found',
      '--wait=false',
    ]).catch(() => {});
});

describe('preview job', () => {
  it('runs while another job holds the environment lease, and leaves the lease alone', async () => {
    await e.repo.git('checkout', '-q', '-b', 'more-replicas');
    await e.repo.write('apps/frontend/values-dev.yaml', 'replicaCount: 4\n');
    const head = await e.repo.commitAll('four replicas');
    await e.repo.checkout('develop');
    const now = Date.now();
    expect(await e.state.acquireLease(e.env, 'a-deploy-in-progress', 60_000, now)).toBe(true);
    try {
      const result = await e.run({
        reason: 'preview',
        revision: head,
        pullRequest: { provider: 'github', number: 1, headRef: 'more-replicas', fork: false },
      });
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.preview?.apps.map((a) => [a.app, a.status])).toEqual([['frontend', 'changes']]);
      // Still held by the deploy: the preview neither waited for it nor released it.
      expect(await e.state.acquireLease(e.env, 'someone-else', 60_000, now + 1)).toBe(false);
    } finally {
      await e.state.releaseLease(e.env, 'a-deploy-in-progress');
    }
    const replicas = await kubectl(process.env.KUBECONFIG ?? '', [
      'get',
      'deployment',
      'frontend',
      '-n',
      e.ns('frontend'),
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    expect(replicas).toBe('1');
    expect((await e.state.listHistory(e.env, 'frontend')).map((h) => h.revision)).not.toContain(head);
  });

  it('hostile: a pull request naming a live object the app does not own sees that it would be taken over, never its content', async () => {
    const kubeconfig = process.env.KUBECONFIG ?? '';
    await kubectl(kubeconfig, [
      'create',
      'configmap',
      'not-ours',
      '-n',
      e.ns('database'),
      '--from-literal=other=live-value-never-shown',
    ]);
    await e.repo.git('checkout', '-q', '-b', 'read-live', 'develop');
    await e.repo.write(
      'apps/database/not-ours.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-ours\ndata:\n  token: from-git\n',
    );
    const head = await e.repo.commitAll('name a live object');
    await e.repo.checkout('develop');
    const result = await e.run({
      reason: 'preview',
      revision: head,
      pullRequest: { provider: 'github', number: 2, headRef: 'read-live', fork: false },
    });
    const app = result.preview?.apps.find((a) => a.app === 'database');
    expect(app?.status).toBe('changes');
    if (app?.status !== 'changes') return;
    expect(app.objects).toEqual([
      { object: `ConfigMap/${e.ns('database')}/not-ours`, action: 'adopt', paths: [], diff: '' },
    ]);
    expect(JSON.stringify(result)).not.toContain('live-value-never-shown');
  });

  it('hostile: a change that rebinds the environment to another cluster is previewed against the branch one', async () => {
    await e.repo.git('checkout', '-q', '-b', 'other-cluster', 'develop');
    const config = await readFile(join(e.repo.dir, 'syncwave.yaml'), 'utf8');
    await e.repo.write('syncwave.yaml', config.replace('cluster: test,', 'cluster: someone-elses,'));
    const head = await e.repo.commitAll('point the environment elsewhere');
    await e.repo.checkout('develop');
    const asked: string[] = [];
    const clusterFor = e.deps.clusterFor;
    e.deps.clusterFor = async (env) => {
      asked.push(env.cluster);
      return clusterFor(env);
    };
    try {
      const result = await e.run({ reason: 'preview', revision: head });
      expect(asked).toEqual(['test']);
      expect(result.preview?.notes.join('\n')).toContain(
        `binds ${e.env} to cluster someone-elses; previewed against test`,
      );
    } finally {
      e.deps.clusterFor = clusterFor;
    }
  });

  it('the preview cluster passes dry runs and refuses every write', async () => {
    const cluster = dryRunOnly(e.cluster);
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'preview-probe', namespace: e.ns('database') },
      data: { a: 'b' },
    };
    const predicted = await cluster.apply(cm, { dryRun: true, force: false });
    expect(predicted.data).toEqual({ a: 'b' });
    await expect(cluster.apply(cm, { dryRun: false, force: false })).rejects.toBeInstanceOf(
      PreviewWriteError,
    );
    await expect(cluster.create(cm, { dryRun: false })).rejects.toBeInstanceOf(PreviewWriteError);
    await expect(
      cluster.delete('v1', 'ConfigMap', 'postgres-config', e.ns('database'), {
        propagationPolicy: 'Background',
      }),
    ).rejects.toBeInstanceOf(PreviewWriteError);
    expect(await e.cluster.get('v1', 'ConfigMap', 'preview-probe', e.ns('database'))).toBeUndefined();
    expect(await e.cluster.get('v1', 'ConfigMap', 'postgres-config', e.ns('database'))).toBeDefined();
  });
});
