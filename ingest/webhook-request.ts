/**
 * The HTTP shape of a webhook delivery, independent of where it arrives (API Gateway in
 * Lambda, node:http in `syncwave serve`).
 */
import type { Job } from '../engine/index.ts';

export type HeaderValue = string | string[] | undefined;

export interface WebhookRequest {
  /** Header names in any case. */
  headers: Readonly<Record<string, HeaderValue>>;
  /** The body exactly as received: signatures are computed over these bytes. */
  body: string | Uint8Array | undefined | null;
  /** API Gateway sets this when it base64-encoded the body. */
  isBase64Encoded?: boolean;
}

export type WebhookStatus = 202 | 200 | 204 | 400 | 401 | 413;

/** What the caller sends back. A 204 answer carries no body on the wire; `body` is for logs. */
export type WebhookResponse =
  | { status: 202; body: { message: string; deliveryId: string; jobs: Job[] } }
  | { status: 200 | 204 | 400 | 401 | 413; body: { message: string; deliveryId?: string } };

/** Lower-cases header names; joins repeated values with ', ' (as HTTP does). */
export function normalizeHeaders(headers: Readonly<Record<string, HeaderValue>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    const key = name.toLowerCase();
    const prev = out.get(key);
    out.set(key, prev === undefined ? joined : `${prev}, ${joined}`);
  }
  return out;
}

/** The raw body as bytes, decoding base64 when the gateway encoded it. */
export function rawBodyBytes(request: Pick<WebhookRequest, 'body' | 'isBase64Encoded'>): Buffer {
  const { body } = request;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, request.isBase64Encoded ? 'base64' : 'utf8');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
