/**
 * A stand-in for what EKS adds around a cluster, on loopback, for running the deployed functions
 * against the test control plane (EKS itself cannot run here; moto's EKS answers DescribeCluster
 * with an endpoint that leads nowhere):
 *
 *   - the EKS API's DescribeCluster (REST JSON, `GET /clusters/NAME`; point the SDK at it with
 *     AWS_ENDPOINT_URL_EKS): the cluster's endpoint is the front end below, its CA the test API
 *     server's;
 *   - the cluster endpoint (HTTPS, the test API server's own serving certificate) doing what EKS's
 *     authenticator does with a bearer token: a `k8s-aws-v1.` token is taken apart as
 *     aws-iam-authenticator does (a presigned STS GetCallerIdentity URL for this region's STS, with
 *     `x-k8s-aws-id` among the signed headers, signed at most 15 minutes ago), the caller is asked
 *     from the AWS emulator's STS (moto checks no signatures, and neither does this stand-in), its
 *     role looked up among the access entries (the synthesized template's), and the request passed
 *     to the API server as that identity by impersonation: user = the STS ARN, groups = the entry's
 *     Kubernetes groups plus one group per access policy (`eks-access-policy:NAME`; bind those to
 *     the built-in roles the policies stand for). Anything else gets 401, as from EKS.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface AccessEntry {
  principalArn: string;
  kubernetesGroups: string[];
  /** Access policy names, e.g. AmazonEKSAdminPolicy (cluster scope). */
  accessPolicies: string[];
}

export interface EksStandInOptions {
  /** The test control plane's admin kubeconfig (server, token); its pki/ beside it holds the serving key. */
  kubeconfigPath: string;
  clusterName: string;
  region: string;
  /** The AWS emulator's endpoint (STS GetCallerIdentity). */
  stsEndpoint: string;
  accessEntries: AccessEntry[];
  /** Clock for the token age check. */
  now?: () => number;
}

export interface EksStandIn {
  /** For AWS_ENDPOINT_URL_EKS. */
  apiUrl: string;
  /** The cluster endpoint DescribeCluster names. */
  endpoint: string;
  /** Who made each request the front end let through, and each refusal. */
  seen: Array<{ user: string; groups: string[]; method: string; path: string } | { refused: string }>;
  stop(): Promise<void>;
}

export const ACCESS_POLICY_GROUP_PREFIX = 'eks-access-policy:';
const TOKEN_PREFIX = 'k8s-aws-v1.';
const TOKEN_LIFE_MS = 15 * 60_000;

interface Kubeconfig {
  clusters: Array<{ cluster: { server: string } }>;
  users: Array<{ user: { token: string } }>;
}

function amzDate(value: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

export async function startEksStandIn(opts: EksStandInOptions): Promise<EksStandIn> {
  const kc = parse(await readFile(opts.kubeconfigPath, 'utf8')) as Kubeconfig;
  const upstream = new URL(kc.clusters[0]!.cluster.server);
  const adminToken = kc.users[0]!.user.token;
  const pki = join(opts.kubeconfigPath, '..', 'pki');
  const [cert, key] = await Promise.all([
    readFile(join(pki, 'apiserver.crt')),
    readFile(join(pki, 'apiserver.key')),
  ]);
  const now = opts.now ?? Date.now;
  const seen: EksStandIn['seen'] = [];

  /** The caller's STS ARN, or why the token is refused. */
  async function authenticate(req: IncomingMessage): Promise<{ arn: string } | { refused: string }> {
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith(`Bearer ${TOKEN_PREFIX}`)) return { refused: 'not an EKS token' };
    let url: URL;
    try {
      url = new URL(Buffer.from(auth.slice(`Bearer ${TOKEN_PREFIX}`.length), 'base64url').toString('utf8'));
    } catch {
      return { refused: 'token is not a URL' };
    }
    const q = url.searchParams;
    if (
      url.protocol !== 'https:' ||
      url.hostname !== `sts.${opts.region}.amazonaws.com` ||
      url.pathname !== '/'
    )
      return { refused: `token names ${url.host}, not this region's STS` };
    if (q.get('Action') !== 'GetCallerIdentity') return { refused: 'token is not GetCallerIdentity' };
    if (!(q.get('X-Amz-SignedHeaders') ?? '').split(';').includes('x-k8s-aws-id'))
      return { refused: 'x-k8s-aws-id is not signed' };
    const age = now() - amzDate(q.get('X-Amz-Date') ?? '');
    if (!(age >= -60_000 && age < TOKEN_LIFE_MS))
      return { refused: `token signed ${Math.round(age / 1000)} s ago` };
    // moto's STS names the caller from the access key; it checks no signature.
    const res = await fetch(`${opts.stsEndpoint}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(q.get('X-Amz-Security-Token') ? { 'x-amz-security-token': q.get('X-Amz-Security-Token')! } : {}),
        'x-k8s-aws-id': opts.clusterName,
        authorization: `AWS4-HMAC-SHA256 Credential=${q.get('X-Amz-Credential')}, SignedHeaders=${q.get('X-Amz-SignedHeaders')}, Signature=${q.get('X-Amz-Signature')}`,
      },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    const text = await res.text();
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
    if (!res.ok || !arn) return { refused: `STS refused the token (${res.status})` };
    return { arn };
  }

  function entryFor(arn: string): AccessEntry | undefined {
    // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION -> arn:aws:iam::ACCOUNT:role/ROLE
    const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
    const principal = m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
    return opts.accessEntries.find((e) => e.principalArn === principal);
  }

  const front = createHttpsServer({ cert, key }, (req, res) => {
    const refuse = (why: string) => {
      seen.push({ refused: why });
      res.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'Unauthorized',
          reason: 'Unauthorized',
          code: 401,
        }),
      );
    };
    authenticate(req).then(
      (who) => {
        if ('refused' in who) return refuse(who.refused);
        const entry = entryFor(who.arn);
        if (!entry) return refuse(`no access entry for ${who.arn}`);
        const groups = [
          ...entry.kubernetesGroups,
          ...entry.accessPolicies.map((p) => `${ACCESS_POLICY_GROUP_PREFIX}${p}`),
          'system:authenticated',
        ];
        seen.push({ user: who.arn, groups, method: req.method ?? '', path: req.url ?? '' });
        const headers = { ...req.headers };
        delete headers.authorization;
        delete headers.host;
        for (const h of Object.keys(headers)) if (h.startsWith('impersonate-')) delete headers[h];
        const up = httpsRequest(
          {
            hostname: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            ca: cert,
            headers: {
              ...headers,
              authorization: `Bearer ${adminToken}`,
              'impersonate-user': who.arn,
              'impersonate-group': groups,
            },
          },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', (err) => res.destroy(err));
        req.pipe(up);
      },
      (err: unknown) => refuse(`authenticator failed: ${(err as Error).message}`),
    );
  });

  const api: Server = createHttpServer((req, res) => {
    const m = /^\/clusters\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'GET' && m && decodeURIComponent(m[1]!) === opts.clusterName) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          cluster: {
            name: opts.clusterName,
            arn: `arn:aws:eks:${opts.region}:123456789012:cluster/${opts.clusterName}`,
            status: 'ACTIVE',
            endpoint: `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
            certificateAuthority: { data: cert.toString('base64') },
            accessConfig: { authenticationMode: 'API' },
          },
        }),
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' })
      .end(JSON.stringify({ message: `No cluster found for name: ${m?.[1] ?? '?'}.` }));
  });

  await Promise.all([
    new Promise<void>((r) => front.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => api.listen(0, '127.0.0.1', r)),
  ]);
  return {
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    endpoint: `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
    seen,
    async stop() {
      front.closeAllConnections();
      api.closeAllConnections();
      await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => api.close(r))]);
    },
  };
}
