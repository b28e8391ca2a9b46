import { EngineError } from '../errors.ts';
import type { Cluster } from '../ports.ts';

/** Thrown when preview code asks for a write: a bug, never a result. */
export class PreviewWriteError extends EngineError {
  override name = 'PreviewWriteError';
}

/**
 * The cluster as a preview sees it: reads and dry-run applies pass, every write throws. A second
 * lock behind the cluster's own permissions, so a preview can never change what it looks at.
 */
export function dryRunOnly(cluster: Cluster): Cluster {
  return {
    async apply(obj, opts) {
      if (!opts.dryRun)
        throw new PreviewWriteError(
          `${obj.kind}/${obj.metadata.name}: a preview applies with dryRun only; this is a bug in syncwave`,
        );
      return cluster.apply(obj, opts);
    },
    async replace(obj, opts) {
      if (!opts.dryRun)
        throw new PreviewWriteError(
          `${obj.kind}/${obj.metadata.name}: a preview replaces with dryRun only; this is a bug in syncwave`,
        );
      return cluster.replace(obj, opts);
    },
    async create(obj) {
      throw new PreviewWriteError(
        `${obj.kind}/${obj.metadata.name ?? obj.metadata.generateName}: a preview never creates; this is a bug in syncwave`,
      );
    },
    get: (...args) => cluster.get(...args),
    list: (...args) => cluster.list(...args),
    kindInfo: (...args) => cluster.kindInfo(...args),
    async delete(_apiVersion, kind, name) {
      throw new PreviewWriteError(`${kind}/${name}: a preview never deletes; this is a bug in syncwave`);
    },
  };
}
