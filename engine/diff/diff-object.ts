import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { IgnoreDifference } from '../app-spec.ts';
import { EngineError } from '../errors.ts';
import type { KubeObject } from '../model.ts';
import { objectKey } from '../object-key.ts';
import { changedPaths } from './changed-paths.ts';
import { hideSecretData } from './hide-secret-data.ts';
import { normalizeForDiff } from './normalize-for-diff.ts';
import { stableYaml } from './stable-yaml.ts';

export type DiffChange = 'added' | 'removed' | 'modified' | 'unchanged';

/** How one object's live state differs from what an apply would make of it. */
export interface ObjectDiff {
  /** `group/kind/namespace/name`, see objectKey(). */
  key: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  change: DiffChange;
  /** Changed field paths such as 'spec.replicas'; [] unless modified. */
  paths: string[];
  /** Unified diff of the normalized objects as sorted YAML, headers like kubectl diff; '' when unchanged. */
  unified: string;
}

export interface DiffOptions {
  /** The app's ignoreDifferences. */
  ignore?: readonly IgnoreDifference[];
  /** Lines of context around each change. Default 3. */
  context?: number;
}

/** kubectl diff's file name: `apps.v1.Deployment.web.frontend`. */
function fileName(obj: KubeObject): string {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  return [group, version, obj.kind, obj.metadata.namespace, obj.metadata.name].filter(Boolean).join('.');
}

/**
 * Compares a live object with `predicted`, the object as a server-side dry-run apply of the
 * desired one returns it (defaults filled in, other managers' fields kept), so that only what
 * an apply would really change shows. Both sides are normalized first (normalizeForDiff).
 * `live` undefined: the object would be created; `predicted` undefined: it would be removed.
 * Secret values are masked (hideSecretData) before anything is compared or printed.
 */
export function diffObject(
  live: KubeObject | undefined,
  predicted: KubeObject | undefined,
  opts: DiffOptions = {},
): ObjectDiff {
  const subject = predicted ?? live;
  if (!subject)
    throw new EngineError('diffObject: got neither a live nor a predicted object; pass at least one');
  const { apiVersion, kind } = subject;
  const { namespace, name } = subject.metadata;
  // Desired first, as Argo CD masks (target, live): Git's value is ++++++++, a live one that differs is longer.
  // The live object's managedFields decide which fields ignored managers own, on both sides.
  const normalize = { ignore: opts.ignore, owner: live };
  const [after, before] = hideSecretData([
    predicted ? normalizeForDiff(predicted, normalize) : undefined,
    live ? normalizeForDiff(live, normalize) : undefined,
  ]);
  const paths = before && after ? changedPaths(before, after) : [];
  const change: DiffChange = !before
    ? 'added'
    : !after
      ? 'removed'
      : paths.length > 0
        ? 'modified'
        : 'unchanged';
  const file = fileName(subject);
  // Made when first read: a sync needs only the paths, and the YAML and line diff of every
  // changed object were most of a 300-app push's CPU time (issue 13, docs/performance.md).
  let unified: string | undefined;
  const unifiedText = (): string =>
    change === 'unchanged'
      ? ''
      : createTwoFilesPatch(
          `live/${file}`,
          `desired/${file}`,
          before ? stableYaml(before) : '',
          after ? stableYaml(after) : '',
          undefined,
          undefined,
          { context: opts.context ?? 3, headerOptions: FILE_HEADERS_ONLY },
        );
  return {
    key: objectKey({ apiVersion, kind, namespace, name }),
    apiVersion,
    kind,
    ...(namespace !== undefined ? { namespace } : {}),
    name,
    change,
    paths,
    get unified() {
      unified ??= unifiedText();
      return unified;
    },
  };
}
