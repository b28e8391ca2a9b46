import type { AwsJsonClient } from './aws-json-client.ts';

export interface SecretsOptions {
  /** An AwsJsonClient for service 'secretsmanager'. */
  client: AwsJsonClient;
  /** How long a value is reused before it is read again (rotation takes effect after this). 5 minutes unless told. */
  ttlMs?: number;
  /** Milliseconds since the epoch; Date.now unless told (tests). */
  now?: () => number;
}

interface Cached {
  value: Promise<string>;
  expiresAt: number;
}

/**
 * Secrets Manager values, cached in memory for `ttlMs` so a warm Lambda reads each secret once per
 * period. Concurrent reads of the same secret share one request; a failed read is not cached.
 */
export class Secrets {
  readonly #client: AwsJsonClient;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();

  constructor(options: SecretsOptions) {
    this.#client = options.client;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The secret's string value (SecretString, or SecretBinary as UTF-8). */
  get(secretId: string): Promise<string> {
    const now = this.#now();
    const hit = this.#cache.get(secretId);
    if (hit && hit.expiresAt > now) return hit.value;
    const value = this.#read(secretId);
    this.#cache.set(secretId, { value, expiresAt: now + this.#ttlMs });
    value.catch(() => this.#cache.delete(secretId));
    return value;
  }

  /** Forget cached values (all, or one). */
  clear(secretId?: string): void {
    if (secretId === undefined) this.#cache.clear();
    else this.#cache.delete(secretId);
  }

  async #read(secretId: string): Promise<string> {
    const res = await this.#client.call<{ SecretString?: string; SecretBinary?: string }>('GetSecretValue', {
      SecretId: secretId,
    });
    // The JSON protocol carries SecretBinary as base64.
    const value =
      res.SecretString ??
      (res.SecretBinary ? Buffer.from(res.SecretBinary, 'base64').toString('utf8') : undefined);
    if (value === undefined || value === '') {
      throw new Error(
        `Secret ${secretId} has no value: set one with aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string ...`,
      );
    }
    return value;
  }
}
