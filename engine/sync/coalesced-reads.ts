import type { KubeObject } from '../model.ts';
import type { Cluster } from '../ports.ts';

/** At least this many objects of one kind in one namespace asked for at once: one LIST answers them. */
const LIST_THRESHOLD = 5;

/** ...unless the LIST would bring back more than this many objects per object asked for (a big namespace). */
const MAX_LIST_ITEMS_PER_GET = 10;

type ListOpts = { namespace?: string; labelSelector?: string; fieldSelector?: string };

interface GetBatch {
  apiVersion: string;
  kind: string;
  namespace?: string;
  names: Map<string, Array<Waiter<KubeObject | undefined>>>;
}

/**
 * A Cluster whose reads, made by many syncs at once (the apps of a job's wave run in
 * parallel), share requests: the GETs of one kind in one namespace asked for in the same turn
 * of the event loop go out as one LIST when there are enough of them, else as one GET per
 * distinct name (the same object asked for twice is read once), and identical LISTs asked for
 * in the same turn are one LIST. Each request goes out after every read it answers was asked
 * for, so no answer is older than its question. A LIST that fails (RBAC may allow get but not
 * list) falls back to the GETs. Writes and discovery pass straight through.
 *
 * Without it, a push over 300 one-ConfigMap apps sent 300 GETs of ConfigMaps and 300 GETs of
 * the same Namespace (issue 13; docs/performance.md).
 */
export function coalescedReads(cluster: Cluster): Cluster {
  let getBatches = new Map<string, GetBatch>();
  let listBatches = new Map<
    string,
    { args: [string, string, ListOpts]; waiters: Array<Waiter<KubeObject[]>> }
  >();
  let scheduled = false;
  /** Objects the last LIST of a kind and namespace brought back: a big namespace is read by GETs. */
  const listSize = new Map<string, number>();

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const gets = getBatches;
      const lists = listBatches;
      getBatches = new Map();
      listBatches = new Map();
      for (const [key, batch] of gets) void flushGets(key, batch);
      for (const batch of lists.values()) void flushList(batch.args, batch.waiters);
    });
  };

  const flushList = async (args: [string, string, ListOpts], waiters: Array<Waiter<KubeObject[]>>) => {
    try {
      const items = await cluster.list(...args);
      for (const [i, w] of waiters.entries()) w.resolve(i === 0 ? items : structuredClone(items));
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
  };

  const getEach = (batch: GetBatch) => {
    for (const [name, waiters] of batch.names)
      cluster.get(batch.apiVersion, batch.kind, name, batch.namespace).then(
        (obj) => resolveAll(waiters, obj),
        (error) => {
          for (const w of waiters) w.reject(error);
        },
      );
  };

  const flushGets = async (key: string, batch: GetBatch) => {
    const asked = batch.names.size;
    const known = listSize.get(key) ?? 0;
    if (asked < LIST_THRESHOLD || known > asked * MAX_LIST_ITEMS_PER_GET) return getEach(batch);
    let items: KubeObject[];
    try {
      items = await cluster.list(batch.apiVersion, batch.kind, { namespace: batch.namespace });
    } catch {
      return getEach(batch);
    }
    listSize.set(key, items.length);
    const byName = new Map(items.map((o) => [o.metadata.name, o]));
    for (const [name, waiters] of batch.names) resolveAll(waiters, byName.get(name));
  };

  return {
    apply: (obj, opts) => cluster.apply(obj, opts),
    create: (obj, opts) => cluster.create(obj, opts),
    replace: (obj, opts) => cluster.replace(obj, opts),
    delete: (apiVersion, kind, name, namespace, opts) =>
      cluster.delete(apiVersion, kind, name, namespace, opts),
    kindInfo: (apiVersion, kind, opts) => cluster.kindInfo(apiVersion, kind, opts),
    async get(apiVersion, kind, name, namespace) {
      const info = name ? await cluster.kindInfo(apiVersion, kind) : undefined;
      // No name (an error the cluster explains), an unknown kind, or a namespaced one without a namespace: as asked.
      if (!info || (info.namespaced && !namespace)) return cluster.get(apiVersion, kind, name, namespace);
      const ns = info.namespaced ? namespace : undefined;
      const key = `${apiVersion}|${kind}|${ns ?? ''}`;
      let batch = getBatches.get(key);
      if (!batch) {
        batch = { apiVersion, kind, namespace: ns, names: new Map() };
        getBatches.set(key, batch);
      }
      const waiters = batch.names.get(name) ?? [];
      batch.names.set(name, waiters);
      const answer = new Promise<KubeObject | undefined>((resolve, reject) =>
        waiters.push({ resolve, reject }),
      );
      schedule();
      return answer;
    },
    list(apiVersion, kind, opts = {}) {
      const key = JSON.stringify([apiVersion, kind, opts.namespace, opts.labelSelector, opts.fieldSelector]);
      let batch = listBatches.get(key);
      if (!batch) {
        batch = { args: [apiVersion, kind, { ...opts }], waiters: [] };
        listBatches.set(key, batch);
      }
      const waiters = batch.waiters;
      const answer = new Promise<KubeObject[]>((resolve, reject) => waiters.push({ resolve, reject }));
      schedule();
      return answer;
    },
  };
}

/** The first asker gets the object read, every other one its own copy: no caller sees another's changes. */
function resolveAll(
  waiters: ReadonlyArray<Waiter<KubeObject | undefined>>,
  obj: KubeObject | undefined,
): void {
  for (const [i, w] of waiters.entries()) w.resolve(i === 0 || !obj ? obj : structuredClone(obj));
}

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}
