import { SendMessageCommand, type SendMessageCommandInput, type SQSClient } from '@aws-sdk/client-sqs';
import type { SqsCaller } from './sqs-queue.ts';

/** SqsQueue on the AWS SDK's SQSClient (its retries, credentials chain and endpoint settings). */
export function sdkSqsCaller(client: SQSClient): SqsCaller {
  return {
    async call(_action, input) {
      return client.send(new SendMessageCommand(input as unknown as SendMessageCommandInput));
    },
  };
}
