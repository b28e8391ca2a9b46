import type { Health, KubeObject } from '../model.ts';
import { type Condition, findCondition } from './find-condition.ts';

/** A reason that says "not yet" rather than "broken". */
const PROGRESSING_REASON =
  /progress|reconcil|pending|creating|initiali[sz]|waiting|provisioning|deploying|updating|starting/i;

function notReady(kind: string, c: Condition): Health {
  const message = c.message || `${kind} is not ${c.type}${c.reason ? ` (${c.reason})` : ''}`;
  if (c.status === 'Unknown' || PROGRESSING_REASON.test(c.reason ?? ''))
    return { status: 'Progressing', message };
  return { status: 'Degraded', message };
}

/**
 * Health of a kind with no rule of its own (custom resources, ConfigMaps...), in the spirit of
 * kstatus: a controller that has not observed the latest generation is Progressing; Stalled=True
 * is Degraded; Reconciling=True is Progressing; a Ready (else Available) condition that is not
 * True is Degraded with its message, or Progressing when Unknown or its reason says it is on
 * its way. Anything else (no status at all) is Healthy because it exists.
 */
export function genericHealth(obj: KubeObject): Health {
  const status = (obj.status ?? {}) as { observedGeneration?: number };
  const generation = obj.metadata.generation;
  if (
    generation !== undefined &&
    status.observedGeneration !== undefined &&
    status.observedGeneration < generation
  ) {
    return {
      status: 'Progressing',
      message: `Waiting for ${obj.kind} generation ${generation} to be observed (observed ${status.observedGeneration})`,
    };
  }
  const stalled = findCondition(obj, 'Stalled');
  if (stalled?.status === 'True')
    return { status: 'Degraded', message: stalled.message || `${obj.kind} is stalled` };
  const reconciling = findCondition(obj, 'Reconciling');
  if (reconciling?.status === 'True') {
    return { status: 'Progressing', message: reconciling.message || `${obj.kind} is reconciling` };
  }
  const ready = findCondition(obj, 'Ready') ?? findCondition(obj, 'Available');
  if (ready && ready.status !== 'True') return notReady(obj.kind, ready);
  return { status: 'Healthy' };
}
