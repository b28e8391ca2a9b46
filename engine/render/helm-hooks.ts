import type { KubeObject, SyncPhase } from '../model.ts';

export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';
export const ARGO_HOOK = 'argocd.argoproj.io/hook';
export const ARGO_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const ARGO_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';

/** Helm hook types syncwave runs, and the phase they run in (Argo CD's mapping). */
const HOOK_PHASES: Record<string, SyncPhase> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

const DELETE_POLICIES: Record<string, string> = {
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
  'before-hook-creation': 'BeforeHookCreation',
};

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Helm hooks as Argo CD hooks. `pre-install`/`pre-upgrade` -> PreSync, `post-install`/
 * `post-upgrade` -> PostSync, hook-weight -> sync-wave, delete policies mapped by name.
 * `crd-install` is a plain resource. A hook of only other types (test, pre-delete, rollback...)
 * never runs in a sync and is dropped. An object that already carries an Argo CD hook annotation
 * keeps it and its helm hook annotations are ignored (Argo CD's rule). Returns copies.
 */
export function mapHelmHooks(objects: KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const obj of objects) {
    const annotations = obj.metadata.annotations ?? {};
    const helmHook = annotations[HELM_HOOK];
    if (helmHook === undefined || annotations[ARGO_HOOK] !== undefined) {
      out.push(obj);
      continue;
    }
    const types = list(helmHook);
    if (types.length > 0 && types.every((t) => t === 'crd-install')) {
      out.push(obj);
      continue;
    }
    const phases = [...new Set(types.map((t) => HOOK_PHASES[t]).filter((p): p is SyncPhase => !!p))];
    if (phases.length === 0) continue;
    const mapped: Record<string, string> = { ...annotations, [ARGO_HOOK]: phases.join(',') };
    const weight = annotations[HELM_HOOK_WEIGHT];
    if (weight !== undefined && annotations[ARGO_SYNC_WAVE] === undefined)
      mapped[ARGO_SYNC_WAVE] = weight.trim();
    const policies = list(annotations[HELM_HOOK_DELETE_POLICY])
      .map((p) => DELETE_POLICIES[p])
      .filter((p): p is string => !!p);
    if (policies.length > 0 && annotations[ARGO_HOOK_DELETE_POLICY] === undefined) {
      mapped[ARGO_HOOK_DELETE_POLICY] = policies.join(',');
    }
    out.push({ ...obj, metadata: { ...obj.metadata, annotations: mapped } });
  }
  return out;
}
