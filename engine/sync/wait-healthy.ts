import type { Health } from '../model.ts';
import { describeObject } from '../object-key.ts';
import type { Clock, Cluster } from '../ports.ts';
import { type ObservedObject, observeHealth, waitsForAddressOnly } from './observe-health.ts';

export type WaitOutcome =
  | { status: 'healthy'; health: Map<string, Health> }
  | { status: 'degraded' | 'timeout' | 'deadline'; health: Map<string, Health>; message: string };

export interface WaitOptions {
  cluster: Cluster;
  clock: Clock;
  /** Give up with a timeout at this time. */
  timeoutAt: Date;
  /** Stop (to be continued later) at this time, if sooner. */
  deadline?: Date;
  pollIntervalMs: number;
}

function pending(objects: readonly ObservedObject[], health: Map<string, Health>): ObservedObject[] {
  return objects.filter((o) => {
    const h = health.get(o.key);
    return !h || (h.status !== 'Healthy' && !waitsForAddressOnly(o, h));
  });
}

/** Polls until every object is Healthy, one is Degraded, or time runs out. */
export async function waitHealthy(
  objects: readonly ObservedObject[],
  opts: WaitOptions,
): Promise<WaitOutcome> {
  for (;;) {
    // Past the deadline (a Lambda about to time out) and not yet at the timeout: stop and let
    // the continuation look. Once the timeout has passed, one look decides (healthy or timeout).
    const started = opts.clock.now().getTime();
    if (opts.deadline && started >= opts.deadline.getTime() && started < opts.timeoutAt.getTime())
      return {
        status: 'deadline',
        health: new Map(),
        message: `stopped at the deadline; ${objects.length} object(s) to check`,
      };
    const health = await observeHealth(opts.cluster, objects);
    const degraded = objects.find((o) => health.get(o.key)?.status === 'Degraded');
    if (degraded) {
      const h = health.get(degraded.key);
      return {
        status: 'degraded',
        health,
        message: `${describeObject(degraded)} is Degraded: ${h?.message ?? 'no reason given'}`,
      };
    }
    const waiting = pending(objects, health);
    if (waiting.length === 0) return { status: 'healthy', health };
    const now = opts.clock.now().getTime();
    const list = waiting
      .slice(0, 5)
      .map(
        (o) =>
          `${describeObject(o)} (${health.get(o.key)?.status}${health.get(o.key)?.message ? `: ${health.get(o.key)?.message}` : ''})`,
      )
      .join('; ');
    if (now >= opts.timeoutAt.getTime()) {
      return { status: 'timeout', health, message: `timed out waiting for health: ${list}` };
    }
    if (opts.deadline && now + opts.pollIntervalMs >= opts.deadline.getTime()) {
      return { status: 'deadline', health, message: `still waiting for: ${list}` };
    }
    await opts.clock.sleep(opts.pollIntervalMs);
  }
}
