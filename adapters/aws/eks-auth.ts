import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { bearerTokenAccess, type KubeAccess } from '../kube/kube-access.ts';
import { createEksToken, type EksToken } from './eks-token.ts';

export interface EksAuthOptions {
  client: EKSClient;
  /** Region of the clusters (and of the STS endpoint the token names). */
  region: string;
  /** Whose identity the token carries; the EKS client's own credentials unless told. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /**
   * A token is reused until it is this old (counted from its signing time, X-Amz-Date); EKS
   * accepts it for 15 minutes. 5 minutes unless told, at most 10: a request that starts with the
   * token still has minutes to spare, whatever the function's timeout.
   */
  tokenReuseMs?: number;
  now?: () => Date;
}

export interface EksClusterAccess {
  name: string;
  /** https://… API server endpoint. */
  endpoint: string;
  /** Base64 PEM of the cluster CA, as DescribeCluster returns it. */
  caData: string;
  token: string;
}

/**
 * Access to EKS clusters without the aws CLI: endpoint and CA from DescribeCluster (cached for the
 * life of the process), a bearer token from a presigned STS call, cached with its signing time and
 * re-minted once it is `tokenReuseMs` old or refused. clusterAccess() asks for the token before every request;
 * the token inside a kubeConfig() does not refresh (call it again).
 */
export class EksAuth {
  readonly #client: EKSClient;
  readonly #region: string;
  readonly #credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly #reuseMs: number;
  readonly #now: () => Date;
  readonly #clusters = new Map<string, Promise<{ endpoint: string; caData: string }>>();
  readonly #tokens = new Map<string, Promise<EksToken & { signedAt: number }>>();

  constructor(options: EksAuthOptions) {
    this.#client = options.client;
    this.#region = options.region;
    this.#credentials = options.credentials ?? (() => options.client.config.credentials());
    this.#reuseMs = Math.min(options.tokenReuseMs ?? 5 * 60_000, 10 * 60_000);
    this.#now = options.now ?? (() => new Date());
  }

  /** A token for the cluster: the cached one while it is younger than `tokenReuseMs`, else a fresh one. */
  async token(clusterName: string): Promise<string> {
    const now = this.#now().getTime();
    const hit = this.#tokens.get(clusterName);
    if (hit) {
      const cached = await hit.catch(() => undefined);
      if (cached && now - cached.signedAt < this.#reuseMs) return cached.token;
      if (this.#tokens.get(clusterName) !== hit) return this.token(clusterName);
    }
    const signedAt = new Date(now);
    const fresh = createEksToken({
      clusterName,
      region: this.#region,
      credentials: this.#credentials,
      now: signedAt,
    }).then((t) => ({ ...t, signedAt: now }));
    // Concurrent requests share one signing; a failure is not cached.
    this.#tokens.set(clusterName, fresh);
    fresh.catch(() => {
      if (this.#tokens.get(clusterName) === fresh) this.#tokens.delete(clusterName);
    });
    return (await fresh).token;
  }

  /**
   * The API server refused `rejected` (401: revoked, or its clock and ours disagree): the cached
   * token is dropped if it is still that one, so the next token() mints a fresh one. Requests
   * refused together with the same token cause one re-mint, not one each.
   */
  async invalidate(clusterName: string, rejected: string): Promise<void> {
    const hit = this.#tokens.get(clusterName);
    if (!hit) return;
    const cached = await hit.catch(() => undefined);
    if (cached?.token === rejected && this.#tokens.get(clusterName) === hit) this.#tokens.delete(clusterName);
  }

  #describe(name: string): Promise<{ endpoint: string; caData: string }> {
    let found = this.#clusters.get(name);
    if (!found) {
      found = this.#client.send(new DescribeClusterCommand({ name })).then((res) => {
        const endpoint = res.cluster?.endpoint;
        const caData = res.cluster?.certificateAuthority?.data;
        if (!endpoint || !caData) {
          throw new Error(
            `EKS cluster ${name} in ${this.#region} has no endpoint or CA yet (status ${res.cluster?.status ?? 'unknown'}): wait until it is ACTIVE.`,
          );
        }
        return { endpoint, caData };
      });
      found.catch(() => this.#clusters.delete(name));
      this.#clusters.set(name, found);
    }
    return found;
  }

  async access(clusterName: string): Promise<EksClusterAccess> {
    const [cluster, token] = await Promise.all([this.#describe(clusterName), this.token(clusterName)]);
    return { name: clusterName, ...cluster, token };
  }

  /**
   * Access for KubeCluster with no @kubernetes/client-node: endpoint and CA, and a token asked for
   * before every request (re-minted by age, and at once when the API server answers 401: the
   * request is then sent once more), so one KubeCluster serves a job of any length.
   */
  async clusterAccess(clusterName: string): Promise<KubeAccess> {
    const cluster = await this.#describe(clusterName);
    return bearerTokenAccess({
      name: clusterName,
      server: cluster.endpoint,
      caData: cluster.caData,
      token: () => this.token(clusterName),
      invalidate: (rejected) => this.invalidate(clusterName, rejected),
    });
  }

  /** A @kubernetes/client-node KubeConfig for the cluster; the client is loaded on first use only. */
  async kubeConfig(clusterName: string): Promise<KubeConfig> {
    const access = await this.access(clusterName);
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: clusterName, server: access.endpoint, caData: access.caData, skipTLSVerify: false }],
      users: [{ name: clusterName, token: access.token }],
      contexts: [{ name: clusterName, cluster: clusterName, user: clusterName }],
      currentContext: clusterName,
    });
    return kc;
  }
}
