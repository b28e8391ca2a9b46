import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KubeObject } from '../../engine/model.ts';

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

/** Rendered desired objects per (environment, app, revision), gzipped JSON in S3. */
export class S3DesiredStore implements DesiredStore {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;

  constructor(options: S3DesiredStoreOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'desired/';
  }

  key(env: string, app: string, revision: string): string {
    const part = (s: string) => encodeURIComponent(s);
    return `${this.#prefix}${part(env)}/${part(app)}/${part(revision)}.json.gz`;
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
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }
}
