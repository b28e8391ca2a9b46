import { readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The operator's credentials for chart repositories and OCI registries (never the
 * repository's): each entry applies to the URLs it names. An `https://` or `http://` entry
 * is a URL prefix (at a path boundary: `https://charts.example.com/team` covers
 * `https://charts.example.com/team/index.yaml`, not `.../teamwork`); an `oci://` entry or a
 * bare `host[:port][/path]` is a registry and covers every URL of that host and port, as
 * Docker's credentials do (the registry API puts `/v2/` before the repository path).
 */
export interface ChartCredential {
  url: string;
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
}

function isHttpPrefix(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

function registryHost(url: string): string {
  const bare = url.replace(/^oci:\/\//i, '');
  return (bare.split('/')[0] ?? '').toLowerCase();
}

function covers(cred: ChartCredential, target: URL): number {
  if (isHttpPrefix(cred.url)) {
    let prefix: URL;
    try {
      prefix = new URL(cred.url);
    } catch {
      return -1;
    }
    if (prefix.protocol !== target.protocol || prefix.host !== target.host) return -1;
    const base = prefix.pathname.replace(/\/+$/, '');
    const path = target.pathname;
    if (base === '' || path === base || path.startsWith(`${base}/`)) return cred.url.length;
    return -1;
  }
  return registryHost(cred.url) === target.host.toLowerCase() ? cred.url.length : -1;
}

/** The most specific credential that covers `url`, or undefined. */
export function credentialFor(creds: readonly ChartCredential[], url: URL): ChartCredential | undefined {
  let best: ChartCredential | undefined;
  let bestLength = -1;
  for (const cred of creds) {
    const length = covers(cred, url);
    if (length > bestLength) {
      best = cred;
      bestLength = length;
    }
  }
  return best;
}

/** The Authorization header a credential sends, if any. */
export function authorization(cred: ChartCredential | undefined): string | undefined {
  if (!cred) return undefined;
  if (cred.token) return `Bearer ${cred.token}`;
  if (cred.username !== undefined && cred.password !== undefined)
    return `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
  return undefined;
}

/** Every secret value of the credentials, for scrubbers. */
export function credentialSecrets(creds: readonly ChartCredential[]): string[] {
  const out: string[] = [];
  for (const c of creds) {
    if (c.password) out.push(c.password);
    if (c.token) out.push(c.token);
    if (c.username !== undefined && c.password !== undefined)
      out.push(Buffer.from(`${c.username}:${c.password}`).toString('base64'));
  }
  return out;
}

const entrySchema = z
  .object({
    url: z.string().min(1),
    username: z.string().optional(),
    password: z.string().optional(),
    token: z.string().min(1).optional(),
  })
  .strict()
  .refine((e) => Boolean(e.token) !== (e.username !== undefined || e.password !== undefined), {
    message: 'give either token, or username and password',
  })
  .refine((e) => (e.username === undefined) === (e.password === undefined), {
    message: 'username and password go together',
  });

/**
 * The credentials file the operator names in SYNCWAVE_CHART_CREDENTIALS (JSON or YAML: a list of
 * `{ url, username, password }` or `{ url, token }`), outside the repository. Errors name the
 * file and the entry, never a value. A file that group or others may read is refused, as ssh
 * refuses such a key.
 */
export function readChartCredentials(path: string): ChartCredential[] {
  const where = `SYNCWAVE_CHART_CREDENTIALS=${path}`;
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0)
      throw new Error(`${where}: the file is readable by others; chmod 600 it`);
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    if ((cause as Error).message.startsWith(where)) throw cause;
    throw new Error(`${where}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let value: unknown;
  try {
    value = parseYaml(text, { maxAliasCount: 10 });
  } catch {
    throw new Error(`${where}: not JSON or YAML`);
  }
  const parsed = z.array(entrySchema).safeParse(value ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `entry ${issue.path.join('.')}` : 'the file';
    throw new Error(
      `${where}: ${at}: ${issue?.message ?? 'invalid'} (expected a list of { url, username, password } or { url, token })`,
    );
  }
  return parsed.data;
}

/** SYNCWAVE_CHART_CREDENTIALS read (empty when unset). */
export function chartCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): ChartCredential[] {
  const path = env.SYNCWAVE_CHART_CREDENTIALS?.trim();
  return path ? readChartCredentials(path) : [];
}
