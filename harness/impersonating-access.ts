/**
 * A KubeAccess that acts as another identity (Kubernetes impersonation: Impersonate-User and
 * Impersonate-Group headers), for tests that must run under exactly the RBAC a deployed identity
 * has: the admin kubeconfig of the test control plane may impersonate anyone, and the API server
 * then authorizes each request as the impersonated user and groups only.
 */
import type { KubeAccess } from '../adapters/kube/kube-access.ts';

export async function impersonatingAccess(opts: {
  kubeconfigPath: string;
  user: string;
  groups: string[];
}): Promise<KubeAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfigPath);
  return {
    getCurrentCluster: () => kc.getCurrentCluster(),
    getCurrentContext: () => kc.getCurrentContext(),
    async applyToHTTPSOptions(o) {
      await kc.applyToHTTPSOptions(o);
      o.headers = { ...o.headers, 'Impersonate-User': opts.user, 'Impersonate-Group': opts.groups };
    },
  };
}
