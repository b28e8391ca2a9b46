import type { Log } from '../../engine/index.ts';

export interface DriftLoopOptions {
  intervalMs: number;
  /** One round: poll each environment's branch and check self-heal. */
  tick: () => Promise<void>;
  log: Log;
}

/** Runs `tick` at start and then every `intervalMs` after the previous round ends (rounds never overlap). */
export class DriftLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: DriftLoopOptions) {}

  start(): void {
    this.round();
  }

  /** A round now (as after a config change); no-op when one is running. */
  runNow(): Promise<void> {
    if (!this.running) this.round();
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private round(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.running = this.opts
      .tick()
      .catch((err: unknown) => this.opts.log.error('drift check failed', { error: (err as Error).message }))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(() => this.round(), this.opts.intervalMs);
      });
  }
}
