import type { Environment } from '../model.ts';
import type { PolicySet } from '../policy/destination-policy.ts';
import type { Clock, Cluster, Log, Notifier, Source, StateStore, ToolRunner } from '../ports.ts';
import type { PreviewPublisher } from '../preview/preview-publisher.ts';
import type { RenderLimits } from '../render/render-limits.ts';

/** The adapters a job runs with: AWS ones in Lambda, local ones in `syncwave serve` and the CLI. */
export interface EngineDeps {
  source: Source;
  clusterFor(env: Environment): Promise<Cluster>;
  state: StateStore;
  tools: ToolRunner;
  notifier?: Notifier;
  /** Where preview jobs report (a GitHub check run). */
  previews?: PreviewPublisher;
  clock: Clock;
  log: Log;
  /** Writable directory for helm dependency caches and temporary files. */
  cacheDir: string;
  /** The operator's render limits over DEFAULT_RENDER_LIMITS (never taken from the repository). */
  renderLimits?: Partial<RenderLimits>;
  /** Identifies this worker for environment leases. */
  owner: string;
  /** The operator's destination policy (engine/policy); every destination is allowed when absent. */
  policy?: PolicySet;
  /** Repository name for commit statuses (owner/name). */
  repo?: string;
  /** Overrides for tests and benchmarks. */
  pollIntervalMs?: number;
  concurrency?: number;
  /** Runs of one job that stop before its end, at most (MAX_CONTINUATIONS unless told). */
  maxContinuations?: number;
}
