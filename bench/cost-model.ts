/**
 * The `cost` benchmark: syncwave's monthly AWS bill for the model of issue 13 (20 apps, 2
 * environments, a drift pass every 3 minutes, 50 pushes a day), computed from AWS's published
 * us-east-1 prices and from durations: measured ones when bench-results.json has them (the
 * Lambda bundles' cold init from `bundle`, a push's time from `push`, a drift pass from
 * `drift`), otherwise the stated assumption. docs/cost.md explains every line.
 */
import { type BenchResult, result } from './bench-result.ts';

/** us-east-1 list prices (USD), from AWS's pricing pages as of 2025 (DynamoDB after the 1 Nov 2024 cut). */
export const PRICES = {
  lambdaGbSecond: 0.0000166667, // x86_64, first 6 billion GB-s
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6, // first 300 million
  sqsFifoRequest: 0.5 / 1e6, // per 64 KB chunk
  dynamoWrite: 0.625 / 1e6, // on-demand write request unit
  dynamoRead: 0.125 / 1e6, // on-demand read request unit
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  s3GbMonth: 0.023,
  logsIngestGb: 0.5,
  logsStoreGbMonth: 0.03,
  customMetric: 0.3, // per metric per month, first 10 000
  alarm: 0.1, // standard resolution, per alarm per month
  dashboard: 3.0, // per dashboard per month beyond the free 3
  secret: 0.4, // Secrets Manager, per secret per month
  secretCalls: 0.05 / 10_000,
  schedulerInvocation: 1.0 / 1e6, // EventBridge Scheduler, after 14 million free
} as const;

/** The always-free monthly allowances that apply to this bill. */
export const FREE_TIER = {
  lambdaGbSeconds: 400_000,
  lambdaRequests: 1_000_000,
  sqsRequests: 1_000_000,
  customMetrics: 10,
  alarms: 10,
  dashboards: 3,
  schedulerInvocations: 14_000_000,
} as const;

/** The deployment in infra/syncwave-stack.ts: memory (MB) per function, what it monitors. */
const STACK = { webhookMb: 512, workerMb: 1769, driftMb: 1024, alarms: 3, dashboards: 1, secrets: 2 };

export interface CostInputs {
  apps: number;
  environments: number;
  pushesPerDay: number;
  driftMinutes: number;
  /** A cold webhook invocation: bundle init plus verify-and-enqueue. */
  webhookMs: number;
  /** One job: fetch, render, apply and wait for health of the changed app. */
  workerMs: number;
  /** One drift pass over every app of every environment. */
  driftMs: number;
  /** Which of the durations came from measurements (bench-results.json). */
  measured: string[];
}

const ASSUMED = { webhookHandleMs: 150, workerInitMs: 300, driftInitMs: 300, jobMs: 5000, driftPassMs: 3000 };

function rowValue(rows: BenchResult[], name: string): number | undefined {
  return rows.find((r) => r.name === name)?.value;
}

/** The model's inputs, with measured durations from earlier benchmark rows where there are some. */
export function costInputs(previous: BenchResult[] = []): CostInputs {
  const measured: string[] = [];
  const pick = (name: string, fallback: number): number => {
    const v = rowValue(previous, name);
    if (v === undefined) return fallback;
    measured.push(name);
    return v;
  };
  return {
    apps: 20,
    environments: 2,
    pushesPerDay: 50,
    driftMinutes: 3,
    // Cold init as its CPU time: on Lambda (one vCPU at 1769 MB) init is CPU-bound, and the
    // CPU time does not grow with the load of the machine the benchmark ran on, as wall time does.
    webhookMs: pick('bundle/webhook-init-cpu', 250) + ASSUMED.webhookHandleMs,
    workerMs:
      pick('bundle/worker-init-cpu', ASSUMED.workerInitMs) + pick('push/applied-p50-ms', ASSUMED.jobMs),
    driftMs: pick('bundle/drift-init-cpu', ASSUMED.driftInitMs) + pick('drift/pass-ms', ASSUMED.driftPassMs),
    measured,
  };
}

export interface CostLine {
  item: string;
  usd: number;
  usdWithFreeTier: number;
  how: string;
}

const DAYS = 30;

/** The monthly bill, line by line, with and without the always-free allowances. */
export function monthlyBill(input: CostInputs): CostLine[] {
  const pushes = input.pushesPerDay * DAYS;
  const passes = (DAYS * 24 * 60) / input.driftMinutes;
  const gbs = (count: number, ms: number, mb: number) => count * (ms / 1000) * (mb / 1024);
  const lambdaGbs =
    gbs(pushes, input.webhookMs, STACK.webhookMb) +
    gbs(pushes, input.workerMs, STACK.workerMb) +
    gbs(passes, input.driftMs, STACK.driftMb);
  const lambdaRequests = pushes * 2 + passes;
  // SQS: send + receive + delete per job, and the Lambda event source's long polls (about
  // 5 pollers, one 20 s poll each, all month) which dominate at this volume.
  const sqsRequests = pushes * 3 + 5 * 3 * 60 * 24 * DAYS;
  // DynamoDB: a drift pass reads each app's state (1 RRU each); a job reads and writes the
  // lease, the operation (a few writes per wave) and one history entry per app.
  const dynamoReads = passes * input.apps * input.environments + pushes * 10;
  const dynamoWrites = pushes * 12;
  // S3: one desired-state object per synced app, read back by the drift pass for self-heal.
  const s3Puts = pushes;
  const s3Gets = passes * input.apps * input.environments;
  // Logs: ~2 KB per drift pass, ~20 KB per job; kept 30 days (the stack's default).
  const logsGb = (passes * 2 + pushes * 20) / 1024 / 1024;
  const customMetrics = input.environments * 2; // OutOfSync and sync failures per environment
  const secretCalls = pushes + passes; // cached per warm container; counted as one per invocation
  const free = (used: number, allowance: number) => Math.max(0, used - allowance);
  const lines: CostLine[] = [
    {
      item: 'Lambda duration',
      usd: lambdaGbs * PRICES.lambdaGbSecond,
      usdWithFreeTier: free(lambdaGbs, FREE_TIER.lambdaGbSeconds) * PRICES.lambdaGbSecond,
      how: `${Math.round(lambdaGbs)} GB-s: ${pushes} webhooks x ${Math.round(input.webhookMs)} ms x ${STACK.webhookMb} MB, ${pushes} jobs x ${Math.round(input.workerMs)} ms x ${STACK.workerMb} MB, ${passes} drift passes x ${Math.round(input.driftMs)} ms x ${STACK.driftMb} MB`,
    },
    {
      item: 'Lambda requests',
      usd: lambdaRequests * PRICES.lambdaRequest,
      usdWithFreeTier: free(lambdaRequests, FREE_TIER.lambdaRequests) * PRICES.lambdaRequest,
      how: `${lambdaRequests} invocations`,
    },
    {
      item: 'API Gateway (HTTP API)',
      usd: pushes * PRICES.httpApiRequest,
      usdWithFreeTier: pushes * PRICES.httpApiRequest,
      how: `${pushes} webhook deliveries`,
    },
    {
      item: 'SQS FIFO',
      usd: sqsRequests * PRICES.sqsFifoRequest,
      usdWithFreeTier: free(sqsRequests, FREE_TIER.sqsRequests) * PRICES.sqsFifoRequest,
      how: `${sqsRequests} requests, mostly the event source's empty long polls`,
    },
    {
      item: 'DynamoDB on demand',
      usd: dynamoReads * PRICES.dynamoRead + dynamoWrites * PRICES.dynamoWrite,
      usdWithFreeTier: dynamoReads * PRICES.dynamoRead + dynamoWrites * PRICES.dynamoWrite,
      how: `${dynamoReads} reads, ${dynamoWrites} writes; storage well under the free 25 GB`,
    },
    {
      item: 'S3',
      usd: s3Puts * PRICES.s3Put + s3Gets * PRICES.s3Get + 0.01 * PRICES.s3GbMonth,
      usdWithFreeTier: s3Puts * PRICES.s3Put + s3Gets * PRICES.s3Get + 0.01 * PRICES.s3GbMonth,
      how: `${s3Puts} PUTs, ${s3Gets} GETs, ~10 MB stored`,
    },
    {
      item: 'CloudWatch Logs',
      usd: logsGb * (PRICES.logsIngestGb + PRICES.logsStoreGbMonth),
      usdWithFreeTier: logsGb * (PRICES.logsIngestGb + PRICES.logsStoreGbMonth),
      how: `${(logsGb * 1024).toFixed(0)} MB ingested and kept`,
    },
    {
      item: 'CloudWatch metrics, alarms, dashboard',
      usd:
        customMetrics * PRICES.customMetric +
        STACK.alarms * PRICES.alarm +
        STACK.dashboards * PRICES.dashboard,
      usdWithFreeTier:
        free(customMetrics, FREE_TIER.customMetrics) * PRICES.customMetric +
        free(STACK.alarms, FREE_TIER.alarms) * PRICES.alarm +
        free(STACK.dashboards, FREE_TIER.dashboards) * PRICES.dashboard,
      how: `${customMetrics} custom metrics, ${STACK.alarms} alarms, ${STACK.dashboards} dashboard (the free tier's 3 dashboards and 10 alarms are per account)`,
    },
    {
      item: 'Secrets Manager',
      usd: STACK.secrets * PRICES.secret + secretCalls * PRICES.secretCalls,
      usdWithFreeTier: STACK.secrets * PRICES.secret + secretCalls * PRICES.secretCalls,
      how: `${STACK.secrets} secrets (webhook secret, git token), at most ${secretCalls} reads`,
    },
    {
      item: 'EventBridge Scheduler',
      usd: passes * PRICES.schedulerInvocation,
      usdWithFreeTier: free(passes, FREE_TIER.schedulerInvocations) * PRICES.schedulerInvocation,
      how: `${passes} drift invocations`,
    },
  ];
  return lines;
}

/** In-cluster Argo CD's reserved capacity (Red Hat's defaults), priced as a share of an m5.large. */
export const ARGOCD_RESERVED = { vcpu: 1.4, gib: 2.1, m5LargeHourly: 0.096, m5LargeVcpu: 2 };

export function argoCdMonthlyUsd(): number {
  return (ARGOCD_RESERVED.vcpu / ARGOCD_RESERVED.m5LargeVcpu) * ARGOCD_RESERVED.m5LargeHourly * 730;
}

export async function benchCost(previous: BenchResult[] = []): Promise<BenchResult[]> {
  const input = costInputs(previous);
  const lines = monthlyBill(input);
  const total = lines.reduce((s, l) => s + l.usd, 0);
  const withFree = lines.reduce((s, l) => s + l.usdWithFreeTier, 0);
  const secretsShare = lines.find((l) => l.item === 'Secrets Manager')!.usd;
  const measured = input.measured.length ? `measured: ${input.measured.join(', ')}` : 'durations assumed';
  const cents = (x: number) => Math.round(x * 100) / 100;
  return [
    result('cost', cents(total), 'USD/month', { op: '<', value: 2 }, `no free allowances; ${measured}`),
    result(
      'cost/free-tier',
      cents(withFree),
      'USD/month',
      { op: '<', value: 2 },
      'with the always-free allowances unused by anything else',
    ),
    result(
      'cost/ssm-instead-of-secrets',
      cents(total - secretsShare),
      'USD/month',
      undefined,
      'secrets as SSM SecureString (standard parameters are free)',
    ),
    ...lines.map((l) =>
      result(
        `cost/${l.item
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/-$/, '')}`,
        Math.round(l.usd * 1000) / 1000,
        'USD/month',
        undefined,
        l.how,
      ),
    ),
    result(
      'cost/argocd-reserved',
      cents(argoCdMonthlyUsd()),
      'USD/month',
      undefined,
      '1.4 vCPU / 2.1 GiB reserved, share of an m5.large at 0.096 USD/h',
    ),
  ];
}
