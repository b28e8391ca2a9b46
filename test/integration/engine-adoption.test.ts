// Moving an app from Argo CD: objects an Argo CD install applied (server-side, its tracking
// label or annotation naming the same app) are taken over in place on the first sync; Argo CD's
// own Application objects are never touched.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../engine/model.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { type EngineEnv, EXAMPLES, engineEnv } from '../support/engine-env.ts';

const APPLICATION_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: applications.argoproj.io }
spec:
  group: argoproj.io
  scope: Namespaced
  names: { plural: applications, singular: application, kind: Application }
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }
`;

describe('adoption of objects Argo CD manages', () => {
  let t: EngineEnv;
  const kubeconfig = process.env.KUBECONFIG ?? '';
  const uids = new Map<string, string | undefined>();
  let applicationVersion: string | undefined;

  beforeAll(async () => {
    t = await engineEnv('adopt');
    const ns = t.ns('database');
    // As Argo CD left them, tracked by label (older default) or annotation (3.x)
    const objects: KubeObject[] = [];
    for (const file of ['configmap.yaml', 'service.yaml', 'statefulset.yaml']) {
      const text = await readFile(join(EXAMPLES, 'apps/database', file), 'utf8');
      for (const doc of parseAllDocuments(text)) objects.push(doc.toJS() as KubeObject);
    }
    for (const o of objects) {
      o.metadata.namespace = ns;
      if (o.kind === 'ConfigMap') {
        o.metadata.annotations = {
          'argocd.argoproj.io/tracking-id': `database:/ConfigMap:${ns}/${o.metadata.name}`,
        };
        o.data = { POSTGRES_DB: 'legacy', POSTGRES_USER: 'app' };
      } else {
        o.metadata.labels = { ...o.metadata.labels, 'app.kubernetes.io/instance': 'database' };
      }
    }
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'database', namespace: ns },
      spec: { source: { path: 'apps/database' }, destination: { namespace: ns } },
    };
    const file = join(t.repo.dir, '..', 'argo-managed.yaml');
    await writeFile(
      file,
      [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ...objects, application]
        .map((o) => stringify(o))
        .join('---\n'),
    );
    await writeFile(join(t.repo.dir, '..', 'crd.yaml'), APPLICATION_CRD);
    await kubectl(kubeconfig, ['apply', '-f', join(t.repo.dir, '..', 'crd.yaml')]);
    await kubectl(kubeconfig, ['wait', '--for=condition=Established', 'crd/applications.argoproj.io']);
    // Argo CD with ServerSideApply=true: its field manager owns every field syncwave will write
    await kubectl(kubeconfig, ['apply', '--server-side', '--field-manager=argocd-controller', '-f', file]);
    for (const [kind, apiVersion] of [
      ['ConfigMap', 'v1'],
      ['Service', 'v1'],
      ['StatefulSet', 'apps/v1'],
    ] as const) {
      const name = kind === 'ConfigMap' ? 'postgres-config' : 'postgres';
      uids.set(kind, (await t.cluster.get(apiVersion, kind, name, ns))?.metadata.uid);
    }
    applicationVersion = (await t.cluster.get('argoproj.io/v1alpha1', 'Application', 'database', ns))
      ?.metadata.resourceVersion;
    // the repository holds an Application manifest too, as Argo CD repositories do
    await t.repo.write(
      'apps/database/application.yaml',
      stringify({ ...application, spec: { changed: true } }),
    );
  });

  it('takes the objects over on the first sync: same uids, Git wins, syncwave tracking written', async () => {
    const result = await t.push('first sync over Argo CD objects');
    expect(result.outcome, result.message).toBe('succeeded');
    const ns = t.ns('database');
    const configMap = await t.cluster.get('v1', 'ConfigMap', 'postgres-config', ns);
    expect(configMap?.metadata.uid).toBe(uids.get('ConfigMap'));
    expect(configMap?.data).toEqual({ POSTGRES_DB: 'app', POSTGRES_USER: 'app' });
    expect(configMap?.metadata.annotations?.['syncwave.io/tracking-id']).toContain(':database:');
    expect((await t.cluster.get('v1', 'Service', 'postgres', ns))?.metadata.uid).toBe(uids.get('Service'));
    expect((await t.cluster.get('apps/v1', 'StatefulSet', 'postgres', ns))?.metadata.uid).toBe(
      uids.get('StatefulSet'),
    );
    const database = result.apps.find((a) => a.app === 'database');
    expect(database?.resources.some((r) => r.kind === 'Application')).toBe(false);
    const application = await t.cluster.get('argoproj.io/v1alpha1', 'Application', 'database', ns);
    expect(application?.metadata.resourceVersion).toBe(applicationVersion);
    expect(application?.spec).toEqual({ source: { path: 'apps/database' }, destination: { namespace: ns } });
  });
});
