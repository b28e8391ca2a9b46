import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MemoryStateStore } from '../../adapters/local/memory-state-store.ts';
import { SqliteStateStore } from '../../adapters/local/sqlite-state-store.ts';
import type { Source } from '../../engine/index.ts';
import type { EngineDeps } from '../engine-api.ts';
import { createLog } from '../serve/create-log.ts';
import { createEngineDeps } from './create-engine-deps.ts';

export interface ReadOnlyDepsOptions {
  source: Source;
  cacheDir: string;
  /** serve's data directory: its state (inventories, so prunes show) is read when it exists. */
  dataDir: string;
  kubeconfig?: string;
  context?: string;
  repo: string;
}

/**
 * Engine deps for a one-shot command that only compares (diff, preview): serve's SQLite state
 * when the data directory has one, else an empty memory store; logs on stderr. The state is
 * closed when `run` ends.
 */
export async function withReadOnlyDeps<T>(
  opts: ReadOnlyDepsOptions,
  run: (deps: EngineDeps) => Promise<T>,
): Promise<T> {
  const dbFile = join(resolve(opts.dataDir), 'syncwave.db');
  const state = existsSync(dbFile) ? await SqliteStateStore.open(dbFile) : new MemoryStateStore();
  try {
    return await run(
      createEngineDeps({
        source: opts.source,
        state,
        log: createLog({ format: 'pretty', write: (line) => process.stderr.write(`${line}\n`) }),
        cacheDir: opts.cacheDir,
        kubeconfig: opts.kubeconfig,
        context: opts.context,
        repo: opts.repo,
      }),
    );
  } finally {
    if (state instanceof SqliteStateStore) state.close();
  }
}
