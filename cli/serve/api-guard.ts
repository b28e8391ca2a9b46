import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-io.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Constant-time comparison of two strings of any length (both hashed first, so lengths do not leak). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** The bearer token of an Authorization header, or undefined. */
function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Checks one API request before any route runs; throws HttpError:
 * 403 when a browser sent it from another origin (any `Origin` other than the API's own, or
 * `Sec-Fetch-Site: cross-site`), 401 without the bearer token or with a wrong one, 415 when a
 * mutating request's body is not `application/json` (a form or text/plain post, which a browser
 * sends cross-origin without a preflight).
 */
export function guardApiRequest(req: IncomingMessage, opts: { token: string }): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) {
    throw new HttpError(403, `cross-origin requests are refused (Origin ${origin.slice(0, 100)})`);
  }
  if (req.headers['sec-fetch-site'] === 'cross-site')
    throw new HttpError(403, 'cross-origin requests are refused (Sec-Fetch-Site: cross-site)');
  const token = bearerOf(req.headers.authorization);
  if (token === undefined)
    throw new HttpError(
      401,
      "the API needs a bearer token: the CLI reads it from serve's data directory (api-token); pass --token or set SYNCWAVE_TOKEN",
    );
  if (!sameSecret(token, opts.token))
    throw new HttpError(401, "wrong API token: use the one in serve's data directory (api-token)");
  const method = req.method ?? 'GET';
  if (MUTATING.has(method)) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new HttpError(415, `${method} requests to the API need Content-Type: application/json`);
  }
}
