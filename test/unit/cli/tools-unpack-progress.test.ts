// The CLI prints a progress line while helm and kubectl unpack on first use (adapters/tools).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTools, onToolsUnpack } from '../../../adapters/tools/ensure-tools.ts';

describe('onToolsUnpack', () => {
  afterEach(() => onToolsUnpack(undefined));

  it('is told start and done (with the directory) when unpacking, nothing on a cache hit', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'syncwave-unpack-progress-'));
    try {
      const events: Array<{ phase: string; dir: string; ms?: number }> = [];
      onToolsUnpack((e) => events.push(e));
      const opts = { env: { SYNCWAVE_CACHE: scratch }, layerRoot: join(scratch, 'no-layer') };

      const tools = await ensureTools(opts);
      await ensureTools(opts);

      expect(events.map((e) => e.phase)).toEqual(['start', 'done']);
      expect(events[0]?.dir).toBe(join(scratch, 'tools', tools.helm.split('/').at(-3)!));
      expect(tools.helm.startsWith(events[0]!.dir)).toBe(true);
      expect(events[1]?.ms).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
