import type { Clock, Job, JobResult, Log } from '../../engine/index.ts';
import type { JobStatusResponse } from '../client/api-types.ts';

/** The part of SqliteJobQueue the workers use. */
export interface ClaimableQueue {
  claimNext(env: string): Job | undefined;
  complete(id: string): void;
  requeueRunning(): number;
  pendingEnvs(): string[];
  state(id: string): 'queued' | 'running' | 'done' | undefined;
}

export interface WorkerPoolOptions {
  queue: ClaimableQueue;
  /** Runs one slice of a job (engine runJob with a deadline). */
  runJob: (job: Job, opts: { deadline: Date }) => Promise<JobResult>;
  clock: Clock;
  log: Log;
  /** How long one runJob call may take before it returns 'continue'; 60 s unless told. */
  sliceMs?: number;
  /** How often the queue is looked at without a wake-up; 1 s unless told. */
  pollMs?: number;
  /** Results kept for `GET /api/jobs/ID`; 500 unless told. */
  keepResults?: number;
}

/**
 * One worker per environment: claims that environment's jobs first in, first out, and runs each
 * with the engine until it is no longer 'continue'. Environments proceed independently.
 */
export class WorkerPool {
  private readonly busy = new Map<string, Promise<void>>();
  private readonly results = new Map<string, JobResult>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly opts: WorkerPoolOptions) {}

  /** Jobs left running by a crash go back to the queue first, so nothing is lost. */
  start(): void {
    const requeued = this.opts.queue.requeueRunning();
    if (requeued > 0) this.opts.log.info('requeued jobs left running by the last stop', { count: requeued });
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? 1000);
    this.wake();
  }

  /** Looks at the queue now (after a send). */
  wake(): void {
    if (this.stopping) return;
    for (const env of this.opts.queue.pendingEnvs()) {
      if (this.busy.has(env)) continue;
      const job = this.opts.queue.claimNext(env);
      if (!job) continue;
      const run = this.run(job).finally(() => {
        this.busy.delete(env);
        this.wake();
      });
      this.busy.set(env, run);
    }
  }

  /** Stops claiming; waits for running slices (a job cut short stays queued for the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.busy.values());
  }

  /** True when no job is running. */
  get idle(): boolean {
    return this.busy.size === 0;
  }

  status(id: string): JobStatusResponse {
    const state = this.opts.queue.state(id) ?? 'unknown';
    return { id, state, result: this.results.get(id) };
  }

  private async run(job: Job): Promise<void> {
    const { clock, log } = this.opts;
    const started = clock.now().getTime();
    const fields = { deliveryId: job.id, env: job.env, revision: job.revision, reason: job.reason };
    log.info('job started', fields);
    let result: JobResult;
    for (;;) {
      try {
        result = await this.opts.runJob(job, {
          deadline: new Date(clock.now().getTime() + (this.opts.sliceMs ?? 60_000)),
        });
      } catch (err) {
        const message = `unexpected error: ${(err as Error).message}`;
        result = {
          jobId: job.id,
          env: job.env,
          revision: job.revision,
          outcome: 'failed',
          message,
          apps: [],
        };
      }
      if (result.outcome !== 'continue' && result.outcome !== 'busy') break;
      if (this.stopping) {
        log.info('job paused by shutdown; it continues after the next start', fields);
        return;
      }
      log.debug('job continues', { ...fields, detail: result.message });
      await clock.sleep(500);
    }
    this.remember(result);
    const level = result.outcome === 'failed' ? 'error' : 'info';
    log[level]('job finished', {
      ...fields,
      revision: result.revision,
      outcome: result.outcome,
      detail: result.message,
      durationMs: clock.now().getTime() - started,
    });
    for (const app of result.apps) {
      log.info('app synced', {
        deliveryId: job.id,
        env: job.env,
        app: app.app,
        wave: app.wave,
        phase: app.phase,
        detail: app.message,
      });
    }
    this.opts.queue.complete(job.id);
  }

  private remember(result: JobResult): void {
    this.results.set(result.jobId, result);
    const keep = this.opts.keepResults ?? 500;
    while (this.results.size > keep) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
  }
}
