/**
 * The previewer identity (group syncwave:previewer) on the test control plane, as a deployed
 * stack gives it on EKS: infra/eks-bootstrap-rbac.yaml applied as is, plus what the previewer's
 * access entry policy (AmazonEKSViewPolicy) grants, as Kubernetes sees it (the `view` ClusterRole
 * bound to the group). Requests act as the previewer by impersonation (the admin kubeconfig may).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import type { KubeObject } from '../../engine/index.ts';
import { applyBootstrapRbac } from './apply-bootstrap-rbac.ts';

export const PREVIEWER_GROUP = 'syncwave:previewer';
/** The user an assumed previewer role is on EKS. */
export const PREVIEWER_USER =
  'arn:aws:sts::123456789012:assumed-role/previewer-dev/syncwave-worker-preview-dev';
/** The admission policy's answer to a write that is not a dry run. */
export const PREVIEWER_DENIED = /syncwave:previewer may only dry-run/;

const EKS_VIEW_POLICY = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: test-eks-view-policy-syncwave-previewer }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
subjects: [{ apiGroup: rbac.authorization.k8s.io, kind: Group, name: "syncwave:previewer" }]
`;

/** Applies the bootstrap RBAC and the view binding; `dir` is a scratch directory for the file. */
export async function setUpPreviewerRbac(kubeconfig: string, dir: string): Promise<void> {
  await applyBootstrapRbac(kubeconfig);
  const policy = join(dir, 'eks-view-policy.yaml');
  await writeFile(policy, EKS_VIEW_POLICY);
  await applyBootstrapRbac(kubeconfig, policy);
}

/**
 * The API server loads new admission policies asynchronously: waits until a real create by the
 * previewer in `namespace` is denied (a probe that got through is removed again as admin).
 */
export async function previewerPolicyInEffect(
  previewer: KubeCluster,
  admin: KubeCluster,
  namespace: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  const probe = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'policy-probe', namespace },
  } as KubeObject;
  while (Date.now() < deadline) {
    try {
      await previewer.apply(probe, { fieldManager: 'probe', dryRun: false, force: false });
      await admin.delete('v1', 'ConfigMap', 'policy-probe', namespace, { propagationPolicy: 'Background' });
    } catch (err) {
      if (PREVIEWER_DENIED.test((err as Error).message)) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the dry-run-only policy did not take effect within 60 s');
}
