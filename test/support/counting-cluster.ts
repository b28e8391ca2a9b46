import type { Cluster } from '../../engine/index.ts';

/** Calls through the Cluster port, by kind of request. A test-side counter, not a mock: every call goes to the real cluster. */
export interface ClusterCalls {
  /** Server-side applies that write (not dry-run), creates, deletes. */
  writes: string[];
  dryRuns: string[];
  reads: number;
}

export function countingCluster(cluster: Cluster): { cluster: Cluster; calls: ClusterCalls; reset(): void } {
  const calls: ClusterCalls = { writes: [], dryRuns: [], reads: 0 };
  const name = (kind: string, n: string | undefined, ns?: string) => `${kind}/${ns ? `${ns}/` : ''}${n}`;
  const counted: Cluster = {
    apply: (obj, opts) => {
      (opts.dryRun ? calls.dryRuns : calls.writes).push(
        name(obj.kind, obj.metadata.name, obj.metadata.namespace),
      );
      return cluster.apply(obj, opts);
    },
    create: (obj, opts) => {
      if (!opts.dryRun) calls.writes.push(name(obj.kind, obj.metadata.name ?? obj.metadata.generateName));
      return cluster.create(obj, opts);
    },
    replace: (obj, opts) => {
      (opts.dryRun ? calls.dryRuns : calls.writes).push(
        `replace ${name(obj.kind, obj.metadata.name, obj.metadata.namespace)}`,
      );
      return cluster.replace(obj, opts);
    },
    get: (apiVersion, kind, n, namespace) => {
      calls.reads += 1;
      return cluster.get(apiVersion, kind, n, namespace);
    },
    list: (apiVersion, kind, opts) => {
      calls.reads += 1;
      return cluster.list(apiVersion, kind, opts);
    },
    delete: (apiVersion, kind, n, namespace, opts) => {
      calls.writes.push(`delete ${name(kind, n, namespace)}`);
      return cluster.delete(apiVersion, kind, n, namespace, opts);
    },
    kindInfo: (apiVersion, kind, opts) => cluster.kindInfo(apiVersion, kind, opts),
  };
  return {
    cluster: counted,
    calls,
    reset() {
      calls.writes = [];
      calls.dryRuns = [];
      calls.reads = 0;
    },
  };
}
