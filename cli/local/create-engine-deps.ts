import { hostname } from 'node:os';
import { join } from 'node:path';
import { KubeCluster } from '../../adapters/kube/kube-cluster.ts';
import { chartCredentialsFromEnv } from '../../adapters/tools/chart-credentials.ts';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../adapters/tools/process-tool-runner.ts';
import { renderSettingsFromEnv } from '../../adapters/tools/render-settings-from-env.ts';
import type {
  Cluster,
  Environment,
  Log,
  PolicySet,
  Source,
  StateStore,
  ToolRunner,
} from '../../engine/index.ts';
import { redactUrl } from '../../engine/index.ts';
import type { EngineDeps } from '../engine-api.ts';
import { systemClock } from './system-clock.ts';

export interface LocalDepsOptions {
  source: Source;
  state: StateStore;
  log: Log;
  /** Writable: helm caches, the tools' HOME. */
  cacheDir: string;
  /** A kubeconfig file; $KUBECONFIG or ~/.kube/config when absent. */
  kubeconfig?: string;
  /** Context for every environment without an entry in `contextMap`. */
  context?: string;
  /** Environment name -> kubeconfig context (`--context-map dev=ctxA,prod=ctxB`). */
  contextMap?: ReadonlyMap<string, string>;
  /** Repository named in commit statuses and jobs. */
  repo: string;
  /** The operator's destination policy (`--policy FILE`); every destination allowed when absent. */
  policy?: PolicySet;
  owner?: string;
}

/** The engine's adapters for local mode: kubeconfig clusters, helm/kubectl processes, the system clock. */
export function createEngineDeps(opts: LocalDepsOptions): EngineDeps {
  const clusters = new Map<string, Promise<Cluster>>();
  const clusterFor = (env: Environment): Promise<Cluster> => {
    const explicit = opts.contextMap?.get(env.name) ?? opts.context;
    const context = explicit ?? env.cluster;
    let cluster = clusters.get(context);
    if (!cluster) {
      cluster = KubeCluster.fromKubeconfig({
        kubeconfigPath: opts.kubeconfig,
        context,
        preferredContext: !explicit,
      });
      cluster.catch(() => clusters.delete(context));
      clusters.set(context, cluster);
    }
    return cluster;
  };
  return {
    source: opts.source,
    clusterFor,
    state: opts.state,
    tools: lazyTools(join(opts.cacheDir, 'home')),
    renderLimits: renderSettingsFromEnv().limits,
    clock: systemClock,
    log: opts.log,
    cacheDir: opts.cacheDir,
    owner: opts.owner ?? `${hostname()}-${process.pid}`,
    repo: redactUrl(opts.repo),
    ...(opts.policy ? { policy: opts.policy } : {}),
  };
}

/**
 * helm and kubectl are found (or unpacked) on first use only: commands that render nothing never
 * pay for it. The render network policy comes from SYNCWAVE_RENDER_ALLOW (renderSettingsFromEnv),
 * chart repository and registry credentials from the file SYNCWAVE_CHART_CREDENTIALS names.
 */
export function lazyTools(homeDir: string): ToolRunner {
  const { network } = renderSettingsFromEnv();
  const chartCredentials = chartCredentialsFromEnv();
  let runner: Promise<ToolRunner> | undefined;
  const get = () => {
    runner ??= ensureTools().then(
      (tools) => new ProcessToolRunner({ tools, homeDir, network, chartCredentials }),
    );
    return runner;
  };
  return {
    async run(tool, args, o) {
      return (await get()).run(tool, args, o);
    },
    async refuseDestination(url) {
      return (await get()).refuseDestination?.(url);
    },
    async download(url, o) {
      const runner = await get();
      if (!runner.download)
        return { ok: false, reason: 'failed', detail: 'this tool runner cannot download' };
      return runner.download(url, o);
    },
  };
}

/** Parses `dev=ctxA,prod=ctxB`. */
export function parseContextMap(value: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [env, context] = pair.split('=');
    if (!env || !context)
      throw new Error(`--context-map: "${pair}" is not ENV=CONTEXT (e.g. dev=kind-dev,prod=kind-prod)`);
    map.set(env.trim(), context.trim());
  }
  return map;
}
