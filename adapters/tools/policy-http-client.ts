import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import type { DownloadOptions, DownloadResult } from '../../engine/index.ts';
import { authorization, type ChartCredential, credentialFor } from './chart-credentials.ts';
import type { DestinationCheck } from './render-network-policy.ts';

/** Redirects followed before giving up (Go's and curl's defaults are 10 and 50; a chart needs one or two). */
export const MAX_REDIRECTS = 5;

type Failure = Extract<DownloadResult, { ok: false }>;

/** A URL as it may be shown: no userinfo, no query (signed blob URLs carry credentials there). */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body?: Buffer;
}

/**
 * HTTP(S) GETs for renders, within the render network policy. Redirects are never followed by
 * the HTTP stack: each hop (at most MAX_REDIRECTS) is parsed, refused if it leaves http(s) or
 * goes from https to http, its host resolved and checked against the policy, and the
 * connection made to the checked address (the lookup is pinned, so DNS rebinding cannot swap
 * it; TLS still verifies the host name). Operator credentials go only to the URLs they cover,
 * hop by hop, so a redirect to another host never carries them. A 401 with a Bearer challenge
 * (OCI registries) is answered once: a token from the challenge's realm (itself a checked hop,
 * sent the registry's credential), then the same URL again with it. Hand-written on node:http
 * because fetch() cannot pin the address it connects to.
 */
export class PolicyHttpClient {
  constructor(
    private readonly check: DestinationCheck,
    private readonly credentials: () => readonly ChartCredential[] = () => [],
  ) {}

  async download(url: string, opts: DownloadOptions): Promise<DownloadResult> {
    const deadline = Date.now() + opts.timeoutMs;
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      return { ok: false, reason: 'failed', detail: `${url.replace(/\/\/[^/@]*@/, '//')} is not a URL` };
    }
    let bearer: { origin: string; header: string } | undefined;
    let challenged = false;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': 'syncwave' };
      if (opts.accept) headers.accept = opts.accept;
      const auth =
        bearer && bearer.origin === current.origin
          ? bearer.header
          : authorization(credentialFor(this.credentials(), current));
      if (auth) headers.authorization = auth;
      const answer = await this.get(current, headers, { ...opts, deadline });
      if ('ok' in answer) return answer;
      const location = answer.headers.location;
      if ([301, 302, 303, 307, 308].includes(answer.status) && location) {
        if (hop >= MAX_REDIRECTS)
          return {
            ok: false,
            reason: 'failed',
            status: answer.status,
            detail: `${shownUrl(current)}: more than ${MAX_REDIRECTS} redirects`,
          };
        let next: URL;
        try {
          next = new URL(location, current);
        } catch {
          return { ok: false, reason: 'failed', detail: `${shownUrl(current)}: redirect to a non-URL` };
        }
        if (current.protocol === 'https:' && next.protocol === 'http:')
          return {
            ok: false,
            reason: 'network-refused',
            detail: `${shownUrl(current)} redirects to ${shownUrl(next)}: from https to plain http`,
          };
        current = next;
        continue;
      }
      if (answer.status === 401 && !challenged) {
        challenged = true;
        const challenge = bearerChallenge(answer.headers['www-authenticate']);
        if (challenge) {
          const token = await this.token(challenge, current, { ...opts, deadline });
          if (!token.ok) return token;
          bearer = { origin: current.origin, header: `Bearer ${token.token}` };
          continue;
        }
      }
      if (answer.status >= 200 && answer.status < 300 && answer.body)
        return { ok: true, body: answer.body, contentType: answer.headers['content-type'] };
      return {
        ok: false,
        reason: 'failed',
        status: answer.status,
        detail: `${shownUrl(current)}: HTTP ${answer.status}${answer.status === 401 || answer.status === 403 ? ' (the operator has no working chart credentials for it)' : ''}`,
      };
    }
  }

  /** A token from a Bearer challenge's realm (Docker's token protocol), sent the registry's credential. */
  private async token(
    challenge: Record<string, string>,
    registry: URL,
    opts: DownloadOptions & { deadline: number },
  ): Promise<{ ok: true; token: string } | Failure> {
    let realm: URL;
    try {
      realm = new URL(challenge.realm ?? '');
    } catch {
      return {
        ok: false,
        reason: 'failed',
        detail: `${shownUrl(registry)}: a Bearer challenge without a realm`,
      };
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && registry.protocol === 'http:'))
      return { ok: false, reason: 'failed', detail: `${shownUrl(registry)}: token realm ${shownUrl(realm)}` };
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    if (challenge.scope) realm.searchParams.set('scope', challenge.scope);
    const headers: Record<string, string> = { 'user-agent': 'syncwave', accept: 'application/json' };
    const auth = authorization(credentialFor(this.credentials(), registry));
    if (auth?.startsWith('Basic ')) headers.authorization = auth;
    const answer = await this.get(realm, headers, { ...opts, maxBytes: 1024 * 1024 });
    if ('ok' in answer) return answer;
    if (answer.status !== 200 || !answer.body)
      return {
        ok: false,
        reason: 'failed',
        status: answer.status,
        detail: `${shownUrl(realm)}: HTTP ${answer.status} for a registry token${answer.status === 401 ? ' (the operator has no working chart credentials for it)' : ''}`,
      };
    let parsed: { token?: unknown; access_token?: unknown };
    try {
      parsed = JSON.parse(answer.body.toString('utf8'));
    } catch {
      return { ok: false, reason: 'failed', detail: `${shownUrl(realm)}: the token answer is not JSON` };
    }
    const token = parsed.token ?? parsed.access_token;
    if (typeof token !== 'string' || !token)
      return { ok: false, reason: 'failed', detail: `${shownUrl(realm)}: the token answer holds no token` };
    return { ok: true, token };
  }

  /** One GET to a checked address; the body is read (within the limit) only for a 2xx answer. */
  private async get(
    url: URL,
    headers: Record<string, string>,
    opts: DownloadOptions & { deadline: number },
  ): Promise<Answer | Failure> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return {
        ok: false,
        reason: 'network-refused',
        detail: `${shownUrl(url)}: only http and https are fetched`,
      };
    if (url.username || url.password)
      return { ok: false, reason: 'failed', detail: `${shownUrl(url)}: credentials in a URL are not used` };
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const verdict = await this.check.check(host);
    if (!verdict.ok)
      return { ok: false, reason: 'network-refused', detail: `${shownUrl(url)}: ${verdict.reason}` };
    const family = isIP(verdict.address) === 6 ? 6 : 4;
    const lookup: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all)
        (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
          { address: verdict.address, family },
        ]);
      else callback(null, verdict.address, family);
    };
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) return { ok: false, reason: 'failed', detail: `${shownUrl(url)}: timed out` };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      const req = send(
        url,
        { method: 'GET', headers, lookup, signal: AbortSignal.timeout(remaining) },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) {
            res.resume();
            resolve({ status, headers: res.headers });
            return;
          }
          const length = Number(res.headers['content-length']);
          const tooLarge = (): Failure => ({
            ok: false,
            reason: 'limit-exceeded',
            detail: `${shownUrl(url)}: the answer is larger than the limit of ${opts.maxBytes} bytes`,
          });
          if (Number.isFinite(length) && length > opts.maxBytes) {
            res.destroy();
            resolve(tooLarge());
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > opts.maxBytes) {
              res.destroy();
              resolve(tooLarge());
            } else chunks.push(chunk);
          });
          res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', (cause) =>
            resolve({ ok: false, reason: 'failed', detail: `${shownUrl(url)}: ${cause.message}` }),
          );
        },
      );
      req.on('error', (cause) => {
        const why =
          cause.name === 'TimeoutError' || cause.name === 'AbortError' ? 'timed out' : cause.message;
        resolve({ ok: false, reason: 'failed', detail: `${shownUrl(url)}: ${why}` });
      });
      req.end();
    });
  }
}

/** `Bearer realm="...",service="...",scope="..."` as a record; undefined for any other scheme. */
export function bearerChallenge(header: string | undefined): Record<string, string> | undefined {
  if (!header || !/^bearer\s/i.test(header)) return undefined;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z_]+)="([^"]*)"/gi))
    out[(m[1] as string).toLowerCase()] = m[2] as string;
  return out;
}
