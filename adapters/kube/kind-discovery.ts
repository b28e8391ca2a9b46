import type { KindInfo } from '../../engine/index.ts';
import { clusterErrorFromResponse } from './cluster-error-from-response.ts';
import type { KubeHttp } from './kube-http.ts';
import { groupVersionPath } from './resource-path.ts';

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
}

/** Kinds of one group version; undefined when the server does not serve it. */
type GroupVersionKinds = Map<string, KindInfo> | undefined;

/**
 * Which kinds the API server serves, per group version (GET /api/v1, /apis/<group>/<version>).
 * Cached; a kind missing from the cache makes it ask again (a CRD applied a moment ago), and
 * concurrent questions about one group version share one request.
 */
export class KindDiscovery {
  readonly #http: KubeHttp;
  readonly #cache = new Map<string, GroupVersionKinds>();
  readonly #loading = new Map<string, Promise<GroupVersionKinds>>();

  constructor(http: KubeHttp) {
    this.#http = http;
  }

  async kindInfo(
    apiVersion: string,
    kind: string,
    opts: { refresh?: boolean } = {},
  ): Promise<KindInfo | undefined> {
    if (!opts.refresh) {
      const hit = this.#cache.get(apiVersion)?.get(kind);
      if (hit !== undefined) return hit;
    }
    return (await this.#load(apiVersion))?.get(kind);
  }

  /** Drops what is known of a group version (all when none is named). */
  forget(apiVersion?: string): void {
    if (apiVersion === undefined) this.#cache.clear();
    else this.#cache.delete(apiVersion);
  }

  #load(apiVersion: string): Promise<GroupVersionKinds> {
    const pending = this.#loading.get(apiVersion);
    if (pending !== undefined) return pending;
    const loading = this.#fetch(apiVersion).finally(() => this.#loading.delete(apiVersion));
    this.#loading.set(apiVersion, loading);
    return loading;
  }

  async #fetch(apiVersion: string): Promise<GroupVersionKinds> {
    const response = await this.#http.request({
      method: 'GET',
      path: groupVersionPath(apiVersion),
      object: apiVersion,
      verb: 'discovery',
    });
    if (response.status === 404) {
      this.#cache.set(apiVersion, undefined);
      return undefined;
    }
    if (response.status !== 200) {
      throw clusterErrorFromResponse({ object: apiVersion, verb: 'discovery', ...response });
    }
    const kinds = new Map<string, KindInfo>();
    for (const resource of (response.body as ApiResourceList).resources ?? []) {
      if (resource.name.includes('/')) continue; // subresources: deployments/scale, pods/log
      if (!kinds.has(resource.kind))
        kinds.set(resource.kind, { namespaced: resource.namespaced, resource: resource.name });
    }
    this.#cache.set(apiVersion, kinds);
    return kinds;
  }
}
