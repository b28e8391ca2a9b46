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
  /**
   * The API server refused the credentials a request carried (401; `authorization` is the header
   * that was sent). Drop them, so the next applyToHTTPSOptions puts fresh ones on. True when the
   * next request may carry other credentials (the request is then sent once more), false when
   * nothing can change (a static token: the 401 stands). Absent: as false.
   */
  refreshCredentials?(authorization: string | undefined): Promise<boolean>;
}

/**
 * Access with a bearer token to a server whose CA is given as base64 PEM (as EKS returns it).
 * `token` may be a function: it is then asked before every request, so a provider that re-mints
 * short-lived tokens (EKS: 15 minutes) keeps a long job authenticated. With `invalidate`, a token
 * the API server refuses (401) is handed to it, and the request is sent once more with the token
 * `token()` gives next (a re-minted one).
 */
export function bearerTokenAccess(input: {
  name: string;
  server: string;
  caData: string;
  token: string | (() => Promise<string>);
  invalidate?: (rejected: string) => Promise<void>;
}): KubeAccess {
  const ca = Buffer.from(input.caData, 'base64');
  const token = input.token;
  const invalidate = input.invalidate;
  return {
    ...(typeof token !== 'string' && invalidate
      ? {
          async refreshCredentials(authorization: string | undefined) {
            const rejected = authorization?.replace(/^Bearer /, '');
            if (rejected) await invalidate(rejected);
            return true;
          },
        }
      : {}),
    getCurrentCluster: () => ({ server: input.server }),
    getCurrentContext: () => input.name,
    async applyToHTTPSOptions(opts) {
      opts.ca = ca;
      const value = typeof token === 'string' ? token : await token();
      opts.headers = { ...opts.headers, Authorization: `Bearer ${value}` };
    },
  };
}
