/**
 * A KubeAccess that acts as another identity (Kubernetes impersonation: Impersonate-User and
 * Impersonate-Group headers), for tests that must run under exactly the RBAC a deployed identity
 * has: the admin kubeconfig of the test control plane may impersonate anyone, and the API server
 * then authorizes each request as the impersonated user and groups only.
 */

import { impersonatingKubeconfig } from '../adapters/kube/impersonating-access.ts';
import type { KubeAccess } from '../adapters/kube/kube-access.ts';

export function impersonatingAccess(opts: {
  kubeconfigPath: string;
  user: string;
  groups: string[];
}): Promise<KubeAccess> {
  return impersonatingKubeconfig(opts.kubeconfigPath, { user: opts.user, groups: opts.groups });
}
