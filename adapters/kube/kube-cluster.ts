import type {
  ApplyOptions,
  Cluster,
  CreateOptions,
  DeleteOptions,
  KindInfo,
  KubeObject,
  ReplaceOptions,
} from '../../engine/index.ts';
import { clusterErrorFromResponse } from './cluster-error-from-response.ts';
import { ClusterError } from './errors.ts';
import { KindDiscovery } from './kind-discovery.ts';
import type { KubeAccess } from './kube-access.ts';
import { KubeHttp, type KubeHttpOptions } from './kube-http.ts';
import { objectName } from './object-name.ts';
import { resourcePath } from './resource-path.ts';

export interface KubeClusterOptions extends KubeHttpOptions {
  /** Field manager when ApplyOptions names none. Default 'syncwave'. */
  fieldManager?: string;
  /** Page size of list requests. Default 500. */
  listPageSize?: number;
}

export interface FromKubeconfigOptions extends KubeClusterOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, or in-cluster. */
  kubeconfigPath?: string;
  /** A context of that kubeconfig; default: its current context. */
  context?: string;
  /** The context is a preference (an environment's cluster name): when the kubeconfig lacks it, use its current context. */
  preferredContext?: boolean;
}

interface ObjectList {
  items?: KubeObject[];
  metadata?: { continue?: string };
}

/**
 * A Kubernetes cluster spoken to with raw JSON (never client-node's typed models, which drop
 * fields they do not know): server-side apply, get, list, delete and discovery.
 */
export class KubeCluster implements Cluster {
  readonly #http: KubeHttp;
  readonly #discovery: KindDiscovery;
  readonly #fieldManager: string;
  readonly #pageSize: number;

  constructor(kc: KubeAccess, options: KubeClusterOptions = {}) {
    this.#http = new KubeHttp(kc, options);
    this.#discovery = new KindDiscovery(this.#http);
    this.#fieldManager = options.fieldManager ?? 'syncwave';
    this.#pageSize = options.listPageSize ?? 500;
  }

  /** Loads a kubeconfig (client-node is imported only here, it is slow to load). */
  static async fromKubeconfig(options: FromKubeconfigOptions = {}): Promise<KubeCluster> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kc = new KubeConfig();
    if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
    const useCurrent =
      options.context && options.preferredContext && kc.getContextObject(options.context) === null;
    if (useCurrent) {
      process.stderr.write(
        `note: no context "${options.context}" in the kubeconfig; using its current context "${kc.getCurrentContext()}" (choose one with --context NAME; for serve, --context-map ENV=CONTEXT)\n`,
      );
    } else if (options.context) {
      if (kc.getContextObject(options.context) === null) {
        throw new ClusterError({
          code: 'Other',
          object: `context ${options.context}`,
          detail: `the kubeconfig ${options.kubeconfigPath ?? '(default)'} has no such context`,
          advice: `use one of: ${
            kc
              .getContexts()
              .map((c) => c.name)
              .join(', ') || '(none)'
          }`,
        });
      }
      kc.setCurrentContext(options.context);
    }
    return new KubeCluster(kc, options);
  }

  /** The API server URL. */
  get server(): string {
    return this.#http.server;
  }

  apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    return this.#write(obj, 'apply', {
      method: 'PATCH',
      named: true,
      query: { force: String(opts.force) },
      contentType: 'application/apply-patch+yaml',
      opts,
    });
  }

  create(obj: KubeObject, opts: CreateOptions): Promise<KubeObject> {
    return this.#write(obj, 'create', { method: 'POST', named: false, query: {}, opts });
  }

  replace(obj: KubeObject, opts: ReplaceOptions): Promise<KubeObject> {
    return this.#write(obj, 'replace', { method: 'PUT', named: true, query: {}, opts });
  }

  /** The one write path of apply, create and replace: locate the kind, send, map the answer. */
  async #write(
    obj: KubeObject,
    verb: 'apply' | 'create' | 'replace',
    how: {
      method: 'PATCH' | 'POST' | 'PUT';
      /** The request names the object (PATCH, PUT), not only its collection (POST). */
      named: boolean;
      query: Record<string, string>;
      contentType?: string;
      opts: CreateOptions;
    },
  ): Promise<KubeObject> {
    const { info, namespace, object } = await this.#locate(obj, verb);
    const response = await this.#http.request({
      method: how.method,
      path: resourcePath({
        apiVersion: obj.apiVersion,
        resource: info.resource,
        namespace,
        ...(how.named ? { name: obj.metadata.name } : {}),
      }),
      query: {
        fieldManager: how.opts.fieldManager ?? this.#fieldManager,
        ...how.query,
        dryRun: how.opts.dryRun ? 'All' : undefined,
        fieldValidation: how.opts.fieldValidation,
      },
      body: obj,
      ...(how.contentType ? { contentType: how.contentType } : {}),
      object,
      verb,
    });
    const ok =
      response.status === 200 || response.status === 201 || (verb === 'create' && response.status === 202);
    if (ok) return response.body as KubeObject;
    if (response.status === 404) this.#discovery.forget(obj.apiVersion);
    throw clusterErrorFromResponse({ object, verb, ...response });
  }

  async get(
    apiVersion: string,
    kind: string,
    name: string,
    namespace?: string,
  ): Promise<KubeObject | undefined> {
    requireName(kind, name, namespace, 'get');
    const info = await this.kindInfo(apiVersion, kind);
    if (info === undefined) return undefined;
    const ns = info.namespaced ? namespace : undefined;
    const object = objectName(kind, name, ns);
    const response = await this.#http.request({
      method: 'GET',
      path: resourcePath({ apiVersion, resource: info.resource, namespace: ns, name }),
      object,
      verb: 'get',
    });
    if (response.status === 200) return response.body as KubeObject;
    if (response.status === 404) return undefined;
    throw clusterErrorFromResponse({ object, verb: 'get', ...response });
  }

  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<KubeObject[]> {
    const info = await this.kindInfo(apiVersion, kind);
    if (info === undefined) return [];
    const namespace = info.namespaced ? opts.namespace : undefined;
    const object = namespace ? `${kind} in namespace ${namespace}` : `${kind} (all namespaces)`;
    const items: KubeObject[] = [];
    let next: string | undefined;
    do {
      const response = await this.#http.request({
        method: 'GET',
        path: resourcePath({ apiVersion, resource: info.resource, namespace }),
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: String(this.#pageSize),
          continue: next,
        },
        object,
        verb: 'list',
      });
      if (response.status !== 200) throw clusterErrorFromResponse({ object, verb: 'list', ...response });
      const page = response.body as ObjectList;
      // Items of a list carry no apiVersion/kind for built-in kinds: put them back.
      for (const item of page.items ?? []) items.push({ ...item, apiVersion, kind });
      next = page.metadata?.continue || undefined;
    } while (next !== undefined);
    return items;
  }

  /** Deletes an object; an object (or kind) already gone is no error. */
  async delete(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    opts: DeleteOptions,
  ): Promise<void> {
    requireName(kind, name, namespace, 'delete');
    const info = await this.kindInfo(apiVersion, kind);
    if (info === undefined) return;
    const ns = info.namespaced ? namespace : undefined;
    const object = objectName(kind, name, ns);
    const response = await this.#http.request({
      method: 'DELETE',
      path: resourcePath({ apiVersion, resource: info.resource, namespace: ns, name }),
      query: { propagationPolicy: opts.propagationPolicy },
      object,
      verb: 'delete',
    });
    if (response.status === 200 || response.status === 202 || response.status === 404) return;
    throw clusterErrorFromResponse({ object, verb: 'delete', ...response });
  }

  kindInfo(apiVersion: string, kind: string, opts?: { refresh?: boolean }): Promise<KindInfo | undefined> {
    return this.#discovery.kindInfo(apiVersion, kind, opts);
  }

  /** Closes pooled connections (the process can then exit without waiting for idle sockets). */
  close(): void {
    this.#http.close();
  }

  async #locate(
    obj: KubeObject,
    verb: string,
  ): Promise<{ info: KindInfo; namespace?: string; object: string }> {
    const object = objectName(obj.kind, obj.metadata?.name ?? '(no name)', obj.metadata?.namespace);
    const generated = verb === 'create' && typeof obj.metadata?.generateName === 'string';
    if (!obj.metadata?.name && !generated) {
      throw new ClusterError({
        code: 'Invalid',
        object,
        detail: `${verb} needs metadata.name`,
        advice: obj.metadata?.generateName
          ? 'metadata.generateName is honoured on hooks only (argocd.argoproj.io/hook); give the object a metadata.name in Git'
          : 'give the object a name in Git',
      });
    }
    const info = await this.kindInfo(obj.apiVersion, obj.kind);
    if (info === undefined) {
      throw new ClusterError({
        code: 'UnknownKind',
        object,
        detail: `the API server does not serve kind ${obj.kind} in ${obj.apiVersion}`,
        advice: 'install its CustomResourceDefinition in an earlier wave, or fix apiVersion/kind in Git',
      });
    }
    if (info.namespaced && !obj.metadata.namespace) {
      throw new ClusterError({
        code: 'Invalid',
        object,
        detail: `${obj.kind} is namespaced but metadata.namespace is empty`,
        advice: "set metadata.namespace in Git or the app's destination namespace",
      });
    }
    return { info, namespace: info.namespaced ? obj.metadata.namespace : undefined, object };
  }
}

/**
 * A get or delete without a name would address the whole collection (a LIST, a DELETE of every
 * object of the kind): refused before any request.
 */
function requireName(
  kind: string,
  name: string | undefined,
  namespace: string | undefined,
  verb: string,
): void {
  if (typeof name === 'string' && name !== '') return;
  throw new ClusterError({
    code: 'Invalid',
    object: objectName(kind, '(no name)', namespace),
    detail: `${verb} needs a name; without one it would address every ${kind}`,
    advice: 'give the object a metadata.name in Git',
  });
}
