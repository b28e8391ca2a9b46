import { posix } from 'node:path';
import type { ArgoSource } from './argo-source.ts';

/** Value files of a chart from a repository that come from this repository (`$ref/...`): `$repo/<path>`. */
export const REPO_VALUE_FILE = '$repo/';

export type PickedSource =
  | {
      ok: true;
      source: ArgoSource /** The branch of the first ref source (this repository). */;
      branch?: string;
    }
  | { ok: false; problem: string };

/**
 * `spec.sources` as one source syncwave can render: the one source that renders (a path in this
 * repository or a chart from a repository), its `$ref/...` value files resolved against the `ref`
 * sources (this repository). A `$ref` value file becomes relative to the app path, or
 * `$repo/<path>` for a chart from a repository. Several rendering sources are not supported.
 */
export function pickSource(sources: readonly ArgoSource[]): PickedSource {
  const refs = new Map(sources.filter((s) => s.ref).map((s) => [s.ref as string, s]));
  // A ref source without a path only lends its files (Argo CD renders a ref source's path, if any).
  const rendering = sources.filter((s) => s.path !== undefined || (s.chart !== undefined && !s.ref));
  if (rendering.length !== 1) {
    return {
      ok: false,
      problem:
        rendering.length === 0
          ? 'spec.sources: no source has a path or a chart'
          : `spec.sources: ${rendering.length} sources render manifests; syncwave renders one source per app (split it into one Application per source)`,
    };
  }
  const source = rendering[0] as ArgoSource;
  const valueFiles: string[] = [];
  for (const file of source.helm?.valueFiles ?? []) {
    if (!file.startsWith('$')) {
      valueFiles.push(file);
      continue;
    }
    const slash = file.indexOf('/');
    const name = file.slice(1, slash < 0 ? undefined : slash);
    const ref = refs.get(name);
    if (!ref)
      return { ok: false, problem: `spec.sources: value file ${file} names no source with ref: ${name}` };
    if (ref.chart)
      return {
        ok: false,
        problem: `spec.sources: value file ${file}: ref ${name} is a chart; refs must be this repository`,
      };
    const inRepo = posix.normalize(slash < 0 ? '.' : file.slice(slash + 1));
    if (inRepo.startsWith('..') || posix.isAbsolute(inRepo))
      return { ok: false, problem: `spec.sources: value file ${file} leaves the repository` };
    valueFiles.push(
      source.chart ? `${REPO_VALUE_FILE}${inRepo}` : posix.relative(source.path ?? '.', inRepo),
    );
  }
  const branch = [...refs.values()].find((r) => !r.chart)?.targetRevision;
  return {
    ok: true,
    source: source.helm ? { ...source, helm: { ...source.helm, valueFiles } } : source,
    branch,
  };
}
