/** AwsJsonClient's requests as a loopback HTTP server sees them, and its error mapping. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsJsonClient, AwsJsonError } from '../../../adapters/aws/aws-json-client.ts';
import { signAwsRequest } from '../../../adapters/aws/sign-aws-request.ts';

let server: Server;
let endpoint: string;
const seen: Array<{ headers: IncomingHttpHeaders; body: string; url: string }> = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body, url: req.url! });
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

describe('signAwsRequest', () => {
  it.each([
    ['with a session token', credentials],
    ['without a session token', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }],
  ])('signs exactly as @smithy/signature-v4 (the SDK signer) does, %s', async (_name, creds) => {
    const now = new Date('2026-11-27T10:11:12.345Z');
    const headers = {
      host: 'sqs.eu-west-1.amazonaws.com',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'AmazonSQS.SendMessage',
    };
    const body = JSON.stringify({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/jobs.fifo',
      MessageBody: 'ü ✓',
    });
    const ours = signAwsRequest({
      method: 'POST',
      path: '/',
      headers,
      body,
      region: 'eu-west-1',
      service: 'sqs',
      credentials: creds,
      now,
    });
    const smithy = await new SignatureV4({
      credentials: creds,
      region: 'eu-west-1',
      service: 'sqs',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'https:',
        hostname: headers.host,
        path: '/',
        headers,
        body,
      }),
      {
        signingDate: now,
      },
    );
    expect(ours.authorization).toBe(smithy.headers.authorization);
    expect(ours['x-amz-date']).toBe('20261127T101112Z');
  });
});

describe('AwsJsonClient', () => {
  it('sends a SigV4-signed JSON POST with the target header', async () => {
    answer = { status: 200, body: '{"MessageId":"m-1"}' };
    const client = new AwsJsonClient({ service: 'sqs', region: 'eu-west-1', credentials, endpoint });
    const out = await client.call('SendMessage', { QueueUrl: 'q', MessageBody: 'x' });
    expect(out).toEqual({ MessageId: 'm-1' });
    const req = seen.at(-1)!;
    expect(req.url).toBe('/');
    expect(JSON.parse(req.body)).toEqual({ QueueUrl: 'q', MessageBody: 'x' });
    expect(req.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(req.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(req.headers['x-amz-security-token']).toBe('token');
    expect(req.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-target[^,]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('uses JSON 1.1 and the secretsmanager target for Secrets Manager', async () => {
    answer = { status: 200, body: '{"SecretString":"s"}' };
    const client = new AwsJsonClient({
      service: 'secretsmanager',
      region: 'eu-west-1',
      credentials,
      endpoint,
    });
    await client.call('GetSecretValue', { SecretId: 'x' });
    expect(seen.at(-1)!.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(seen.at(-1)!.headers['content-type']).toBe('application/x-amz-json-1.1');
  });

  it('turns an error answer into AwsJsonError named by its type', async () => {
    answer = {
      status: 400,
      body: '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The queue does not exist."}',
    };
    const client = new AwsJsonClient({ service: 'sqs', region: 'eu-west-1', credentials, endpoint });
    const err = await client.call('SendMessage', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsJsonError);
    expect(err).toMatchObject({ name: 'QueueDoesNotExist', status: 400 });
    expect((err as Error).message).toBe('sqs SendMessage: QueueDoesNotExist: The queue does not exist.');
  });

  it('reads Lambda-style environment variables, and says what is missing', () => {
    expect(() => AwsJsonClient.fromEnv('sqs', {})).toThrow(
      /AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
    expect(
      AwsJsonClient.fromEnv('sqs', {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
      }),
    ).toBeInstanceOf(AwsJsonClient);
  });
});
