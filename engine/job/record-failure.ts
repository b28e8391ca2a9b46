import type { AppSpec } from '../app-spec.ts';
import type { HistoryEntry } from '../history.ts';
import type { Initiator } from '../model.ts';
import type { StateStore } from '../ports.ts';
import { updateAppState } from '../update-app-state.ts';

/** Records a sync that failed before touching the cluster (render error): history entry and app state. */
export async function recordFailureBeforeApply(
  state: StateStore,
  input: {
    app: AppSpec;
    revision: string;
    initiator: Initiator;
    deliveryId?: string;
    message: string;
    now: string;
    historyLimit: number;
  },
): Promise<HistoryEntry> {
  const { app } = input;
  const entry = await state.appendHistory(
    {
      env: app.env.name,
      app: app.name,
      revision: input.revision,
      initiator: input.initiator,
      deliveryId: input.deliveryId,
      startedAt: input.now,
      finishedAt: input.now,
      phase: 'Failed',
      message: input.message,
      health: { status: 'Unknown' },
      resources: [],
    },
    input.historyLimit,
  );
  await updateAppState(state, { env: app.env.name, app: app.name }, (prior) => ({
    env: app.env.name,
    app: app.name,
    revision: prior?.revision,
    syncedRevision: prior?.syncedRevision,
    syncStatus: 'Unknown',
    health: prior?.health ?? { status: 'Unknown' },
    resources: prior?.resources ?? [],
    inventory: prior?.inventory ?? [],
    automationPaused: prior?.automationPaused,
    lastOperation: {
      phase: 'Failed',
      message: input.message,
      revision: input.revision,
      initiator: input.initiator,
      startedAt: input.now,
      finishedAt: input.now,
      historyId: entry.id,
    },
    wave: app.wave,
    path: app.path,
    namespace: app.namespace,
    updatedAt: input.now,
  }));
  return entry;
}
