/**
 * What AWS hands the Lambda handlers, built on this machine: an API Gateway HTTP API (payload v2)
 * event for a GitHub delivery signed as GitHub signs it, the SQS event Lambda's event source
 * mapping builds from received messages, a Lambda context with a deadline, and the event source
 * mapping itself (receive from the queue, invoke the worker, delete what it did not fail).
 * The same shapes test/integration/aws-e2e.test.ts builds inline.
 */
import { createHmac, randomUUID } from 'node:crypto';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** A GitHub delivery (`event`: push, pull_request, ...) as API Gateway passes it, signed with `secret`. */
export function githubApiEvent(opts: {
  event: string;
  payload: unknown;
  secret: string;
  deliveryId?: string;
}): APIGatewayProxyEventV2 {
  const raw = JSON.stringify(opts.payload);
  const signature = `sha256=${createHmac('sha256', opts.secret).update(raw).digest('hex')}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhook',
    rawPath: '/webhook',
    rawQueryString: '',
    headers: {
      accept: '*/*',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(raw)),
      'user-agent': 'GitHub-Hookshot/7a5d9b1',
      'x-github-event': opts.event,
      'x-github-delivery': opts.deliveryId ?? randomUUID(),
      'x-github-hook-id': '491234567',
      'x-hub-signature-256': signature,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'testapi',
      domainName: 'testapi.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'testapi',
      http: {
        method: 'POST',
        path: '/webhook',
        protocol: 'HTTP/1.1',
        sourceIp: '140.82.115.1',
        userAgent: 'GitHub-Hookshot/7a5d9b1',
      },
      requestId: randomUUID(),
      routeKey: 'POST /webhook',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: raw,
    isBase64Encoded: false,
  };
}

export function lambdaContext(name: string, region: string, timeoutMs = 300_000): Context {
  const end = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:123456789012:function:${name}`,
    memoryLimitInMB: '1769',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `2026/12/04/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => end - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** The SQS event Lambda's event source mapping builds from received messages. */
export function sqsEvent(messages: Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.MessageId!,
        receiptHandle: m.ReceiptHandle!,
        body: m.Body!,
        attributes: {
          ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
          SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
          SenderId: m.Attributes?.SenderId ?? 'AIDAEXAMPLE',
          ApproximateFirstReceiveTimestamp:
            m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
          SequenceNumber: m.Attributes?.SequenceNumber,
          MessageGroupId: m.Attributes?.MessageGroupId,
          MessageDeduplicationId: m.Attributes?.MessageDeduplicationId,
        },
        messageAttributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
            k,
            { stringValue: v.StringValue, dataType: v.DataType!, stringListValues: [], binaryListValues: [] },
          ]),
        ),
        md5OfBody: m.MD5OfBody!,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
      }),
    ),
  };
}

export async function receiveMessages(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const got = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
    }),
  );
  return got.Messages ?? [];
}

/**
 * Plays Lambda's SQS event source mapping: receive a batch, invoke the worker, delete what it did
 * not report as failed; until the queue is empty (follow-up messages included).
 */
export async function drainToWorker(opts: {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  worker: WorkerHandler;
}): Promise<{ batches: SQSEvent[]; failures: string[] }> {
  const batches: SQSEvent[] = [];
  const failures: string[] = [];
  for (let i = 0; i < 20; i++) {
    const messages = await receiveMessages(opts.sqs, opts.queueUrl);
    if (!messages.length) break;
    const event = sqsEvent(messages, opts.queueArn, opts.region);
    batches.push(event);
    const res = await opts.worker(event, lambdaContext('syncwave-worker', opts.region));
    const failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
    failures.push(...failed);
    for (const m of messages) {
      if (!failed.has(m.MessageId!))
        await opts.sqs.send(
          new DeleteMessageCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: m.ReceiptHandle! }),
        );
    }
  }
  return { batches, failures };
}
