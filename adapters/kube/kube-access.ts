import type https from 'node:https';

/**
 * What the transport needs from a kubeconfig: the server of the current context and a way
 * to put credentials on a request. @kubernetes/client-node's KubeConfig is one; a bare
 * endpoint + CA + bearer token (EKS in Lambda) is another that needs no client-node at all.
 */
export interface KubeAccess {
  getCurrentCluster(): { server: string; proxyUrl?: string } | null;
  getCurrentContext(): string;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/**
 * Access with a bearer token to a server whose CA is given as base64 PEM (as EKS returns it).
 * `token` may be a function: it is then asked before every request, so a provider that re-mints
 * short-lived tokens (EKS: 15 minutes) keeps a long job authenticated.
 */
export function bearerTokenAccess(input: {
  name: string;
  server: string;
  caData: string;
  token: string | (() => Promise<string>);
}): KubeAccess {
  const ca = Buffer.from(input.caData, 'base64');
  const token = input.token;
  return {
    getCurrentCluster: () => ({ server: input.server }),
    getCurrentContext: () => input.name,
    async applyToHTTPSOptions(opts) {
      opts.ca = ca;
      const value = typeof token === 'string' ? token : await token();
      opts.headers = { ...opts.headers, Authorization: `Bearer ${value}` };
    },
  };
}
