import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoStateStore } from '../../adapters/aws/dynamo-state-store.ts';
import { S3DesiredStore } from '../../adapters/aws/s3-desired-store.ts';
import { sdkSqsCaller } from '../../adapters/aws/sdk-sqs-caller.ts';
import { SqsQueue } from '../../adapters/aws/sqs-queue.ts';
import type { AppState, HistoryEntry, Job, JobResult } from '../../engine/index.ts';
import { setAutomationPaused, shortRevision } from '../../engine/index.ts';
import { CliError } from '../cli-error.ts';
import type {
  AppDetail,
  AppListResponse,
  DiffResponse,
  HistoryResponse,
  JobAccepted,
  JobStatusResponse,
  SyncRequestBody,
} from '../client/api-types.ts';
import type { AppClient } from '../client/app-client.ts';
import { resolveStack, type StackResources } from './stack-resources.ts';

export interface AwsAppClientOptions {
  /** CloudFormation stack name. */
  stack: string;
  env: Record<string, string | undefined>;
  now?: () => Date;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * `syncwave app ...` against a deployed stack, with the AWS credentials of the default chain:
 * state read from its DynamoDB table (and S3 bucket), syncs and rollbacks queued on its SQS
 * queue for the worker, exactly as a webhook or the drift checker queues them. The same answers
 * as serve's API (cli/client/api-client.ts), so every `app` verb prints the same.
 */
export class AwsAppClient implements AppClient {
  readonly #opts: AwsAppClientOptions;
  #resources: Promise<{ stack: StackResources; state: DynamoStateStore; queue: SqsQueue }> | undefined;
  /** Jobs this process queued: id -> app, to follow them in history. */
  readonly #queued = new Map<string, { env: string; app: string }>();

  constructor(opts: AwsAppClientOptions) {
    this.#opts = opts;
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }

  #open() {
    this.#resources ??= resolveStack({ stack: this.#opts.stack, env: this.#opts.env }).then((stack) => ({
      stack,
      state: new DynamoStateStore({
        client: new DynamoDBClient({}),
        tableName: stack.tableName,
        desired: new S3DesiredStore({ client: new S3Client({}), bucket: stack.bucketName }),
      }),
      queue: new SqsQueue({
        client: sdkSqsCaller(new SQSClient({ useQueueUrlAsEndpoint: false })),
        queueUrl: stack.queueUrl,
      }),
    }));
    return this.#resources;
  }

  async #findApp(name: string, env: string | undefined): Promise<AppState> {
    const { state } = await this.#open();
    const all = await state.listApps(env);
    const found = all.filter((s) => s.app === name);
    if (found.length === 1) return found[0]!;
    if (found.length > 1)
      throw new CliError(`app ${name} is in ${found.map((s) => s.env).join(', ')}: pass --env to pick one`);
    const known = [...new Set(all.map((s) => s.app))];
    throw new CliError(
      `no app ${name}${env ? ` in environment ${env}` : ''} has been synced yet${known.length ? ` (known: ${known.join(', ')})` : ''}`,
    );
  }

  async listApps(env?: string): Promise<AppListResponse> {
    const { state } = await this.#open();
    return { apps: await state.listApps(env) };
  }

  async getApp(name: string, env?: string): Promise<AppDetail> {
    const app = await this.#findApp(name, env);
    const { state } = await this.#open();
    const operation = await state.getOperation(app.env, app.app);
    return { app, ...(operation ? { operation } : {}) };
  }

  async history(name: string, env?: string): Promise<HistoryResponse> {
    const app = await this.#findApp(name, env);
    const { state } = await this.#open();
    return { env: app.env, app: app.app, history: await state.listHistory(app.env, app.app) };
  }

  async diff(_name: string, _env?: string): Promise<DiffResponse> {
    throw new CliError(
      'app diff --aws is not available: it needs the repository and the cluster; run `syncwave diff` with a kubeconfig for the cluster',
    );
  }

  #job(app: { env: string; app: string }, revision: string, extra: Partial<Job>): Job {
    const reason = extra.reason ?? 'manual';
    return {
      id: `${reason}-${app.env}-${app.app}-${randomUUID().slice(0, 8)}`,
      repo: '',
      env: app.env,
      revision,
      changedPaths: 'all',
      reason: 'manual',
      apps: [app.app],
      enqueuedAt: this.#now().toISOString(),
      ...extra,
    };
  }

  async sync(name: string, body: SyncRequestBody): Promise<JobAccepted> {
    const app = await this.#findApp(name, body.env);
    const { stack, queue } = await this.#open();
    const branch = stack.environments.find((e) => e.name === app.env)?.branch;
    const asked = body.revision ?? branch;
    if (!asked)
      throw new CliError(
        `the stack names no branch for environment ${app.env}: pass --revision BRANCH (or redeploy the stack for its Environments output)`,
      );
    if (asked !== branch && !body.allowForeignRevision) {
      // The CLI has no repository here to check that a commit is on the branch: say so.
      throw new CliError(
        `--revision ${asked} is not the branch of ${app.env} (${branch ?? 'unknown'}); on AWS the CLI cannot check that it is on that branch: pass --allow-foreign-revision to sync it anyway`,
      );
    }
    const job = this.#job(app, asked, {
      ...(body.prune ? { prune: true } : {}),
      ...(body.dryRun ? { dryRun: true } : {}),
    });
    await queue.send(job);
    this.#queued.set(job.id, app);
    return {
      job,
      message: `queued sync of ${app.env}/${name} at ${SHA.test(asked) ? shortRevision(asked) : asked}`,
    };
  }

  async rollback(name: string, body: { id: number; env?: string }): Promise<JobAccepted> {
    if (!Number.isInteger(body.id))
      throw new CliError(`rollback needs a history id: see \`syncwave app history ${name} --aws\``);
    const app = await this.#findApp(name, body.env);
    const { state, queue } = await this.#open();
    const entry = (await state.listHistory(app.env, app.app)).find((h) => h.id === body.id);
    if (!entry)
      throw new CliError(
        `no history entry ${body.id} for ${app.env}/${name}: see \`syncwave app history ${name} --aws\``,
      );
    await setAutomationPaused(state, app, true, this.#now());
    const job = this.#job(app, entry.revision, { reason: 'rollback' });
    await queue.send(job);
    this.#queued.set(job.id, app);
    return {
      job,
      message: `queued rollback of ${app.env}/${name} to ${shortRevision(entry.revision)} (history ${body.id}); automated syncs are paused until \`syncwave app resume ${name} --aws\``,
    };
  }

  async resume(name: string, body: { env?: string }): Promise<AppDetail> {
    const app = await this.#findApp(name, body.env);
    const { state } = await this.#open();
    const resumed = await setAutomationPaused(state, app, false, this.#now());
    return { app: resumed ?? app };
  }

  /** A job this process queued is done when its app's history has an entry for it. */
  async job(id: string): Promise<JobStatusResponse> {
    const app = this.#queued.get(id);
    if (!app) return { id, state: 'unknown' };
    const { state } = await this.#open();
    const entry = (await state.listHistory(app.env, app.app, 5)).find((h) => h.deliveryId === id);
    return entry ? { id, state: 'done', result: resultOf(id, entry) } : { id, state: 'queued' };
  }
}

function resultOf(id: string, entry: HistoryEntry): JobResult {
  return {
    jobId: id,
    env: entry.env,
    revision: entry.revision,
    outcome: entry.phase === 'Succeeded' ? 'succeeded' : 'failed',
    message: entry.message,
    apps: [
      {
        app: entry.app,
        wave: 0,
        phase: entry.phase,
        message: entry.message,
        health: entry.health,
        historyId: entry.id,
        resources: entry.resources,
      },
    ],
  };
}
