import type { KubeAccess } from './kube-access.ts';

/** Who requests act as (Kubernetes impersonation). */
export interface Impersonation {
  user: string;
  groups: string[];
}

/**
 * `access` acting as another identity: every request carries Impersonate-User and
 * Impersonate-Group, and the API server authorizes it as that user and those groups only (the
 * credentials of `access` need the `impersonate` verb for them). Used to run preview jobs as the
 * previewer through a kubeconfig, and by tests that need exactly a deployed identity's RBAC.
 */
export function impersonatingAccess(access: KubeAccess, who: Impersonation): KubeAccess {
  const refresh = access.refreshCredentials?.bind(access);
  return {
    ...(refresh ? { refreshCredentials: refresh } : {}),
    getCurrentCluster: () => access.getCurrentCluster(),
    getCurrentContext: () => access.getCurrentContext(),
    async applyToHTTPSOptions(opts) {
      await access.applyToHTTPSOptions(opts);
      opts.headers = { ...opts.headers, 'Impersonate-User': who.user, 'Impersonate-Group': who.groups };
    },
  };
}

/** A kubeconfig file's current context as KubeAccess, acting as `who`. */
export async function impersonatingKubeconfig(path: string, who: Impersonation): Promise<KubeAccess> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return impersonatingAccess(kc, who);
}
