import type { EnvironmentState, JobProgress, OpenGate } from '../state.ts';

/**
 * The wave gates a job that starts afresh inherits: those of another job's saved progress
 * (a job it takes over from: its own open gate and what it had inherited), else those a
 * superseded job left open on the environment. Pure.
 */
export function gatesToInherit(
  envState: EnvironmentState | undefined,
  job: { id: string; revision: string },
): OpenGate[] {
  const other = envState?.inProgress;
  if (other && !(other.jobId === job.id && other.revision === job.revision)) {
    const gates = openGatesOf(other);
    if (gates.length) return gates;
  }
  return envState?.openGates ?? [];
}

/** The gates a job leaves open when it ends without passing them: its own, then what it inherited. Pure. */
export function openGatesOf(progress: JobProgress): OpenGate[] {
  const own: OpenGate[] = progress.gate
    ? [{ ...progress.gate, jobId: progress.jobId, revision: progress.revision }]
    : [];
  return [...own, ...(progress.inheritedGates ?? [])];
}

/**
 * The inherited gates without the apps a job syncs itself (their inputs changed: their own
 * gate starts when the job syncs them); a gate left without apps is dropped. Pure.
 */
export function withoutApps(gates: readonly OpenGate[], apps: readonly string[]): OpenGate[] {
  return gates
    .map((g) => ({ ...g, apps: g.apps.filter((a) => !apps.includes(a)) }))
    .filter((g) => g.apps.length > 0);
}

/** The inherited gates a job passes before it syncs an app of `wave`: those of earlier waves, in wave order. Pure. */
export function gatesBefore(gates: readonly OpenGate[], wave: number): OpenGate[] {
  return gates.filter((g) => g.wave < wave).sort((a, b) => a.wave - b.wave);
}
