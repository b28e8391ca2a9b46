import { describe, expect, it } from 'vitest';
import { webhookConfigFromEnv } from '../../../lambdas/webhook/webhook-config.ts';

const ENV = {
  SYNCWAVE_ENVIRONMENTS: '[{"name":"dev","branch":"develop"}]',
  SYNCWAVE_QUEUE_URL: 'https://sqs.example/q.fifo',
  SYNCWAVE_WEBHOOK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:webhook',
  SYNCWAVE_REPO: 'acme/gitops',
};

describe('webhookConfigFromEnv', () => {
  it('reads the expected repository', () => {
    expect(webhookConfigFromEnv(ENV)).toMatchObject({
      repo: 'acme/gitops',
      secretId: ENV.SYNCWAVE_WEBHOOK_SECRET_ID,
    });
  });

  it('previews forks only with SYNCWAVE_PREVIEW_FORKS=true, and refuses another value', () => {
    expect(webhookConfigFromEnv(ENV).previewForks).toBe(false);
    expect(webhookConfigFromEnv({ ...ENV, SYNCWAVE_PREVIEW_FORKS: 'false' }).previewForks).toBe(false);
    expect(webhookConfigFromEnv({ ...ENV, SYNCWAVE_PREVIEW_FORKS: 'true' }).previewForks).toBe(true);
    expect(() => webhookConfigFromEnv({ ...ENV, SYNCWAVE_PREVIEW_FORKS: 'yes' })).toThrow(
      'SYNCWAVE_PREVIEW_FORKS must be true or false, got yes',
    );
  });

  it.each(['SYNCWAVE_REPO', 'SYNCWAVE_WEBHOOK_SECRET_ID'])('stops the cold start without %s', (name) => {
    expect(() => webhookConfigFromEnv({ ...ENV, [name]: undefined })).toThrow(`${name} is not set`);
    expect(() => webhookConfigFromEnv({ ...ENV, [name]: '' })).toThrow(`${name} is not set`);
  });
});
