import https from 'node:https';

/** Where the API server is and how to ask it, as the admin kubeconfig says. */
export interface ApiServer {
  server: string;
  token: string;
  ca: Buffer;
}

/** One sample of `apiserver_request_total`. */
export interface RequestCount {
  verb: string;
  resource: string;
  subresource: string;
  dryRun: boolean;
  count: number;
}

const WRITE_VERBS = new Set([
  'POST',
  'PUT',
  'PATCH',
  'APPLY',
  'DELETE',
  'DELETECOLLECTION',
  'CREATE',
  'UPDATE',
]);

/** The API server's own request counters (GET /metrics with the admin token). */
export async function requestCounts(cluster: ApiServer): Promise<RequestCount[]> {
  const { ca } = cluster;
  const text = await new Promise<string>((resolve, reject) => {
    const req = https.get(
      `${cluster.server}/metrics`,
      { ca, headers: { Authorization: `Bearer ${cluster.token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
  const out: RequestCount[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]),
    );
    out.push({
      verb: labels.verb ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      dryRun: (labels.dry_run ?? '') !== '',
      count: Number(line.slice(line.lastIndexOf(' ') + 1)),
    });
  }
  return out;
}

export interface RequestTally {
  /** Writes (not dry-run) to the resources named, main resource only (controllers write status and other kinds). */
  writes: number;
  dryRuns: number;
  reads: number;
  total: number;
}

/** What happened between two samples, to the given resources ('configmaps', 'deployments', ...). */
export function tally(
  before: RequestCount[],
  after: RequestCount[],
  resources: readonly string[],
): RequestTally {
  const key = (c: RequestCount) => `${c.verb}|${c.resource}|${c.subresource}|${c.dryRun}`;
  const base = new Map<string, number>();
  for (const c of before) base.set(key(c), (base.get(key(c)) ?? 0) + c.count);
  const t: RequestTally = { writes: 0, dryRuns: 0, reads: 0, total: 0 };
  const seen = new Map<string, RequestCount & { n: number }>();
  for (const c of after) {
    const k = key(c);
    const prev = seen.get(k);
    seen.set(k, { ...c, n: (prev?.n ?? 0) + c.count });
  }
  for (const [k, c] of seen) {
    if (!resources.includes(c.resource) || c.subresource !== '') continue;
    const n = c.n - (base.get(k) ?? 0);
    if (n <= 0) continue;
    t.total += n;
    if (c.dryRun) t.dryRuns += n;
    else if (WRITE_VERBS.has(c.verb)) t.writes += n;
    else t.reads += n;
  }
  return t;
}
