/**
 * Applies infra/eks-bootstrap-rbac.yaml as is to the test control plane (the one-time step a
 * cluster admin does). Several test files apply it to the same control plane at once, and two
 * concurrent creates of one object make one `kubectl apply` fail with AlreadyExists: try again
 * (then it is an update), a few times, before failing with kubectl's message.
 */
import { kubectl } from '../../scripts/demo/kubectl.ts';

export const BOOTSTRAP_RBAC = new URL('../../infra/eks-bootstrap-rbac.yaml', import.meta.url).pathname;

export async function applyBootstrapRbac(kubeconfig: string, file = BOOTSTRAP_RBAC): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await kubectl(kubeconfig, ['apply', '-f', file]);
      return;
    } catch (err) {
      if (attempt >= 5 || !/AlreadyExists|already exists|the object has been modified/i.test(String(err)))
        throw err;
    }
  }
}
