import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { KubeObject } from '../../engine/index.ts';
import { DESIRED_PREFIX, SUPERSEDED_TAG } from './bucket-layout.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface S3DesiredStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, `desired/` unless told. */
  prefix?: string;
}

/** The part of StateStore that keeps rendered desired state. */
export interface DesiredStore {
  putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void>;
  getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined>;
}

const isNoSuchKey = (err: unknown) =>
  err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey';

/**
 * Rendered desired objects per (environment, app, revision), gzipped JSON in S3 (layout in
 * bucket-layout.ts). Storing a revision tags the app's previous one as superseded, so the bucket's
 * lifecycle rule can expire old revisions while the current one stays.
 */
export class S3DesiredStore implements DesiredStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3DesiredStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? DESIRED_PREFIX;
  }

  #appPrefix(env: string, app: string): string {
    return `${this.#prefix}${encodeURIComponent(env)}/${encodeURIComponent(app)}/`;
  }

  key(env: string, app: string, revision: string): string {
    return `${this.#appPrefix(env, app)}${encodeURIComponent(revision)}.json.gz`;
  }

  async putDesired(env: string, app: string, revision: string, objects: KubeObject[]): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.key(env, app, revision),
        Body: await gzipAsync(JSON.stringify(objects)),
        ContentType: 'application/gzip',
      }),
    );
    const pointer = `${this.#appPrefix(env, app)}current`;
    const previous = await this.#readText(pointer);
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: pointer, Body: revision, ContentType: 'text/plain' }),
    );
    if (previous && previous !== revision) await this.#markSuperseded(this.key(env, app, previous));
  }

  /** The revision stored last for the app (the current desired state), if any. */
  currentRevision(env: string, app: string): Promise<string | undefined> {
    return this.#readText(`${this.#appPrefix(env, app)}current`);
  }

  async getDesired(env: string, app: string, revision: string): Promise<KubeObject[] | undefined> {
    try {
      const res = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.key(env, app, revision) }),
      );
      if (!res.Body) return undefined;
      const bytes = await res.Body.transformToByteArray();
      return JSON.parse((await gunzipAsync(bytes)).toString('utf8')) as KubeObject[];
    } catch (err) {
      if (isNoSuchKey(err)) return undefined;
      throw err;
    }
  }

  async #readText(key: string): Promise<string | undefined> {
    try {
      const res = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      const text = (await res.Body?.transformToString())?.trim();
      return text || undefined;
    } catch (err) {
      if (isNoSuchKey(err)) return undefined;
      throw err;
    }
  }

  async #markSuperseded(key: string): Promise<void> {
    try {
      await this.#client.send(
        new PutObjectTaggingCommand({
          Bucket: this.#bucket,
          Key: key,
          Tagging: { TagSet: [{ Key: SUPERSEDED_TAG, Value: 'true' }] },
        }),
      );
    } catch (err) {
      // Already gone (expired or never stored): nothing to expire.
      if (!isNoSuchKey(err)) throw err;
    }
  }
}
