import type { KubeObject, SyncPhase } from '../model.ts';

export const ANNOTATION = {
  syncWave: 'syncwave.io/sync-wave',
  argoSyncWave: 'argocd.argoproj.io/sync-wave',
  hook: 'syncwave.io/hook',
  argoHook: 'argocd.argoproj.io/hook',
  hookDeletePolicy: 'syncwave.io/hook-delete-policy',
  argoHookDeletePolicy: 'argocd.argoproj.io/hook-delete-policy',
  prune: 'syncwave.io/prune',
  argoSyncOptions: 'argocd.argoproj.io/sync-options',
  syncOptions: 'syncwave.io/sync-options',
  compareOptions: 'argocd.argoproj.io/compare-options',
} as const;

function annotation(obj: KubeObject, ...names: string[]): string | undefined {
  const a = obj.metadata.annotations ?? {};
  for (const n of names) if (a[n] !== undefined) return a[n];
  return undefined;
}

/** Resource wave from `syncwave.io/sync-wave` or `argocd.argoproj.io/sync-wave`; 0 when unset or not an integer. */
export function waveOf(obj: KubeObject): number {
  const raw = annotation(obj, ANNOTATION.syncWave, ANNOTATION.argoSyncWave);
  const n = raw === undefined ? 0 : Number.parseInt(raw.trim(), 10);
  return Number.isFinite(n) ? n : 0;
}

export type HookKind = SyncPhase | 'Skip';

/** The hook phases of an object (an object may be a hook of several phases), or undefined for a normal resource. */
export function hookPhasesOf(obj: KubeObject): HookKind[] | undefined {
  const raw = annotation(obj, ANNOTATION.hook, ANNOTATION.argoHook);
  if (!raw) return undefined;
  const phases = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is HookKind => ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(p));
  // PreDelete/PostDelete hooks run when an app is deleted, which a sync never does: never applied.
  if (phases.length === 0 && /\b(PreDelete|PostDelete)\b/.test(raw)) return ['Skip'];
  return phases.length ? phases : undefined;
}

export type HookDeletePolicy = 'HookSucceeded' | 'HookFailed' | 'BeforeHookCreation';

/** Hook delete policies; BeforeHookCreation when none is given (Argo CD's default). */
export function hookDeletePoliciesOf(obj: KubeObject): HookDeletePolicy[] {
  const raw = annotation(obj, ANNOTATION.hookDeletePolicy, ANNOTATION.argoHookDeletePolicy);
  const list = (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p): p is HookDeletePolicy => ['HookSucceeded', 'HookFailed', 'BeforeHookCreation'].includes(p));
  return list.length ? list : ['BeforeHookCreation'];
}

/** Per-object sync options (`Prune=false`, `Delete=false`, `Force=true`, ...). */
export function objectSyncOptions(obj: KubeObject): Map<string, string> {
  const raw = [annotation(obj, ANNOTATION.syncOptions), annotation(obj, ANNOTATION.argoSyncOptions)]
    .filter(Boolean)
    .join(',');
  const out = new Map<string, string>();
  for (const part of raw.split(',')) {
    const [k, v] = part.split('=', 2);
    if (k?.trim()) out.set(k.trim(), (v ?? '').trim());
  }
  return out;
}

/** False when the object must never be pruned: `syncwave.io/prune: "false"` or Argo CD's `Prune=false`. */
export function prunable(obj: KubeObject): boolean {
  if (annotation(obj, ANNOTATION.prune)?.toLowerCase() === 'false') return false;
  const opts = objectSyncOptions(obj);
  return opts.get('Prune')?.toLowerCase() !== 'false' && opts.get('Delete')?.toLowerCase() !== 'false';
}

/** Argo CD's `argocd.argoproj.io/compare-options: IgnoreExtraneous`: an object Git no longer holds does not make its app OutOfSync. */
export function ignoresExtraneous(obj: KubeObject): boolean {
  const raw = annotation(obj, ANNOTATION.compareOptions) ?? '';
  return raw.split(',').some((o) => o.trim() === 'IgnoreExtraneous');
}
