/**
 * What a preview found: per app, the objects a merge would create, change and prune, the
 * objects the API server rejects, or the render error. Pure data, printed by the CLI, a GitHub
 * check run or a GitLab note.
 */

/**
 * What a merge would do to one object. 'adopt': it exists in the cluster without this app's
 * tracking id and a sync would take it over (its live content is not shown); 'orphan': Git drops
 * it but the app does not prune.
 */
export type PreviewAction = 'create' | 'update' | 'adopt' | 'prune' | 'orphan';

export interface PreviewObject {
  /** `Kind/namespace/name`. */
  object: string;
  action: PreviewAction;
  /** Changed field paths ('spec.template.spec.containers[0].image'); [] unless 'update'. */
  paths: string[];
  /** Unified diff (live -> desired), Secret values masked. */
  diff: string;
}

/** An app's preview: a closed union on `status`. */
export type AppPreview =
  | { app: string; wave: number; status: 'unchanged'; objects: []; notes: string[] }
  | { app: string; wave: number; status: 'changes'; objects: PreviewObject[]; notes: string[] }
  | {
      app: string;
      wave: number;
      status: 'rejected';
      objects: PreviewObject[];
      /** Each object the API server refuses in a dry run, with its message. */
      rejected: Array<{ object: string; message: string }>;
      notes: string[];
    }
  | {
      app: string;
      wave: number;
      status: 'render-failed';
      /** The renderer's message, naming the file at fault. */
      error: string;
      file?: string;
      notes: string[];
    };

/** 'clean': nothing would change; 'changes': everything would apply; 'failed': a render or dry run fails. */
export type PreviewOutcome = 'clean' | 'changes' | 'failed';

export interface PreviewReport {
  env: string;
  /** The commit previewed. */
  revision: string;
  /** The commit changed paths were taken from (the merge base with the environment's branch). */
  base?: string;
  outcome: PreviewOutcome;
  /** The apps the change affects, in wave order. */
  apps: AppPreview[];
  /** Environment-level problems (syncwave.yaml invalid, environment missing) and remarks. */
  notes: string[];
}

/** Worst of the apps: a failed app fails the preview, any change makes it 'changes'. */
export function outcomeOf(apps: readonly AppPreview[]): PreviewOutcome {
  if (apps.some((a) => a.status === 'render-failed' || a.status === 'rejected')) return 'failed';
  return apps.some((a) => a.status === 'changes') ? 'changes' : 'clean';
}
