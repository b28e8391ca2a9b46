// The local control plane behaves like a real cluster for what syncwave needs:
// server-side apply, controller-manager rollouts, CRDs, Jobs, and failing pods for Degraded health.

import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const FIELD_MANAGER = 'syncwave';

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('local control plane', () => {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const ns = `sw-it-cluster-${Date.now().toString(36)}`;

  const apply = <T extends KubernetesObject>(obj: T): Promise<T> =>
    objects.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it('reports the built Kubernetes version', async () => {
    const res = await fetchVersion(kc);
    expect(res.gitVersion).toMatch(/^v1\.36\.\d+$/);
  });

  it('server-side applies a Deployment that rolls out, then rolls out a new image', async () => {
    const deployment = (image: string): V1Deployment & KubernetesObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels: { app: 'web' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image }] },
        },
      },
    });

    const applied = await apply(deployment('registry.local/web:2.0.0'));
    const managers = applied.metadata?.managedFields?.map((f) => `${f.manager}/${f.operation}`) ?? [];
    expect(managers).toContain(`${FIELD_MANAGER}/Apply`);

    const rolledOut = (image: string) =>
      waitUntil(`deployment web with ${image} rolled out`, async () => {
        const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
        const s = d.status;
        const done =
          s?.observedGeneration === d.metadata?.generation &&
          d.spec?.template.spec?.containers[0]?.image === image &&
          s?.updatedReplicas === 2 &&
          s?.readyReplicas === 2 &&
          s?.availableReplicas === 2 &&
          s?.replicas === 2;
        return done ? d : undefined;
      });

    await rolledOut('registry.local/web:2.0.0');
    const firstRs = await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=web' });
    expect(firstRs.items).toHaveLength(1);
    expect(firstRs.items[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('Deployment');
    const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(2);
    for (const p of pods.items) {
      expect(p.spec?.nodeName).toBeTruthy();
      expect(p.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }

    await apply(deployment('registry.local/web:2.0.1'));
    await rolledOut('registry.local/web:2.0.1');
    const rs = await waitUntil('old ReplicaSet scaled to zero', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: 'app=web' });
      const old = list.items.find(
        (r) => r.spec?.template?.spec?.containers[0]?.image === 'registry.local/web:2.0.0',
      );
      return old?.spec?.replicas === 0 && old.status?.replicas === 0 ? list : undefined;
    });
    expect(rs.items).toHaveLength(2);
    const current = rs.items.find(
      (r) => r.spec?.template?.spec?.containers[0]?.image === 'registry.local/web:2.0.1',
    );
    expect(current?.status?.readyReplicas).toBe(2);
  });

  it('creates a CRD and server-side applies an object of it', async () => {
    const group = `${ns}.syncwave.dev`;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'integer' } } },
                },
              },
            },
          },
        ],
      },
    };
    try {
      await apply(crd);
      await waitUntil('CRD established', async () => {
        const got = (await objects.read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: crd.metadata.name },
        })) as KubernetesObject & { status?: { conditions?: { type: string; status: string }[] } };
        return (
          got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined
        );
      });
      const widget = {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'w1', namespace: ns },
        spec: { size: 3 },
      };
      // Discovery of the new group may lag a moment behind Established.
      await waitUntil('widget applied', () => apply(widget));
      const read = (await objects.read(widget)) as typeof widget;
      expect(read.spec.size).toBe(3);
    } finally {
      await objects.delete(crd).catch(() => undefined);
    }
  });

  it('runs a Job to completion', async () => {
    await batch.createNamespacedJob({
      namespace: ns,
      body: {
        metadata: { name: 'migrate' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'migrate', image: 'registry.local/migrate:1.0.0' }],
            },
          },
        },
      },
    });
    const job = await waitUntil('job complete', async () => {
      const j = await batch.readNamespacedJob({ name: 'migrate', namespace: ns });
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    });
    expect(job.status?.succeeded).toBe(1);
  });

  const podWithImage = (name: string, image: string): V1Pod => ({
    metadata: { name },
    spec: { containers: [{ name: 'app', image }] },
  });

  it('shows ImagePullBackOff for an image that does not exist', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: podWithImage('bad-image', 'registry.local/doesnotexist:1.0'),
    });
    const pod = await waitUntil('ImagePullBackOff', async () => {
      const p = await core.readNamespacedPod({ name: 'bad-image', namespace: ns });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
    });
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).not.toBe('True');
  });

  it('shows CrashLoopBackOff for a crashloop image', async () => {
    await core.createNamespacedPod({
      namespace: ns,
      body: podWithImage('crasher', 'registry.local/crashloop:1.0'),
    });
    const pod = await waitUntil('CrashLoopBackOff', async () => {
      const p = await core.readNamespacedPod({ name: 'crasher', namespace: ns });
      return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });
});

async function fetchVersion(kc: KubeConfig): Promise<{ gitVersion: string }> {
  const { VersionApi } = await import('@kubernetes/client-node');
  return (await kc.makeApiClient(VersionApi).getCode()) as { gitVersion: string };
}
