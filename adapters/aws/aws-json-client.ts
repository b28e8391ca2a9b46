import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { signAwsRequest } from './sign-aws-request.ts';

/** The AWS services spoken to through their JSON protocol, with what that protocol needs. */
export const AWS_JSON_SERVICES = {
  sqs: {
    signingName: 'sqs',
    endpointPrefix: 'sqs',
    targetPrefix: 'AmazonSQS',
    jsonVersion: '1.0',
    envName: 'SQS',
  },
  secretsmanager: {
    signingName: 'secretsmanager',
    endpointPrefix: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    envName: 'SECRETS_MANAGER',
  },
} as const;

export type AwsJsonService = keyof typeof AWS_JSON_SERVICES;

export interface AwsJsonClientOptions {
  service: AwsJsonService;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** http(s)://host[:port]; the service's regional endpoint when absent. */
  endpoint?: string;
  /** Per-request timeout, 5 s unless told. */
  timeoutMs?: number;
  /** Signing clock; now unless told (tests). */
  now?: () => Date;
}

/** An error answer of an AWS JSON API: `name` is the error type (e.g. ResourceNotFoundException). */
export class AwsJsonError extends Error {
  override name: string;
  constructor(
    type: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * A minimal client for AWS's JSON protocol (one signed POST per call), for the webhook Lambda:
 * the full SDK clients cost ~500 KB of bundle and most of a cold start for two API calls.
 */
export class AwsJsonClient {
  readonly #service: (typeof AWS_JSON_SERVICES)[AwsJsonService];
  readonly #url: URL;
  readonly #region: string;
  readonly #credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(options: AwsJsonClientOptions) {
    this.#service = AWS_JSON_SERVICES[options.service];
    const suffix = options.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    this.#url = new URL(
      options.endpoint ?? `https://${this.#service.endpointPrefix}.${options.region}.${suffix}`,
    );
    this.#region = options.region;
    this.#credentials = options.credentials;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#now = options.now ?? (() => new Date());
  }

  /** Options from the Lambda environment: AWS_REGION, AWS_ACCESS_KEY_ID/SECRET/SESSION_TOKEN, AWS_ENDPOINT_URL[_<SERVICE>]. */
  static fromEnv(service: AwsJsonService, env: Record<string, string | undefined>): AwsJsonClient {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
      throw new Error(
        `AwsJsonClient(${service}): AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets them); elsewhere pass credentials explicitly.`,
      );
    }
    return new AwsJsonClient({
      service,
      region,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN,
      },
      endpoint: env[`AWS_ENDPOINT_URL_${AWS_JSON_SERVICES[service].envName}`] ?? env.AWS_ENDPOINT_URL,
    });
  }

  /** Calls `operation` (e.g. 'SendMessage') with the input shape the API documents. */
  async call<T = Record<string, unknown>>(operation: string, input: Record<string, unknown>): Promise<T> {
    const body = JSON.stringify(input);
    const credentials =
      typeof this.#credentials === 'function' ? await this.#credentials() : this.#credentials;
    const headers = signAwsRequest({
      method: 'POST',
      path: this.#url.pathname || '/',
      headers: {
        host: this.#url.host,
        'content-type': `application/x-amz-json-${this.#service.jsonVersion}`,
        'x-amz-target': `${this.#service.targetPrefix}.${operation}`,
      },
      body,
      region: this.#region,
      service: this.#service.signingName,
      credentials,
      now: this.#now(),
    });
    const { host: _host, ...sent } = headers; // fetch sets Host itself
    const res = await fetch(this.#url, {
      method: 'POST',
      headers: sent,
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      const type = String(parsed.__type ?? res.headers.get('x-amzn-errortype') ?? `HTTP${res.status}`)
        .split('#')
        .pop()!
        .split(':')[0]!;
      const message = String(parsed.message ?? parsed.Message ?? text);
      throw new AwsJsonError(
        type,
        `${this.#service.signingName} ${operation}: ${type}: ${message}`,
        res.status,
      );
    }
    return parsed as T;
  }
}
