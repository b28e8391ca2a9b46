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
  /** A token is reused for this long; EKS accepts it for 15 minutes. 10 minutes unless told. */
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
 * life of the process), a bearer token from a presigned STS call (cached below its 15 minute life).
 * Call kubeConfig() at the start of each invocation: the token inside a KubeConfig does not refresh.
 */
export class EksAuth {
  readonly #client: EKSClient;
  readonly #region: string;
  readonly #credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly #reuseMs: number;
  readonly #now: () => Date;
  readonly #clusters = new Map<string, Promise<{ endpoint: string; caData: string }>>();
  readonly #tokens = new Map<string, EksToken & { reuseUntil: number }>();

  constructor(options: EksAuthOptions) {
    this.#client = options.client;
    this.#region = options.region;
    this.#credentials = options.credentials ?? (() => options.client.config.credentials());
    this.#reuseMs = Math.min(options.tokenReuseMs ?? 10 * 60_000, 14 * 60_000);
    this.#now = options.now ?? (() => new Date());
  }

  async token(clusterName: string): Promise<string> {
    const now = this.#now();
    const hit = this.#tokens.get(clusterName);
    if (hit && hit.reuseUntil > now.getTime()) return hit.token;
    const fresh = await createEksToken({
      clusterName,
      region: this.#region,
      credentials: this.#credentials,
      now,
    });
    this.#tokens.set(clusterName, { ...fresh, reuseUntil: now.getTime() + this.#reuseMs });
    return fresh.token;
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

  /** Access for KubeCluster with no @kubernetes/client-node: endpoint, CA and a fresh token. */
  async clusterAccess(clusterName: string): Promise<KubeAccess> {
    const access = await this.access(clusterName);
    return bearerTokenAccess({
      name: clusterName,
      server: access.endpoint,
      caData: access.caData,
      token: access.token,
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
