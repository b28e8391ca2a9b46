import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from '../../../adapters/tools/ensure-tools.ts';
import { ProcessToolRunner } from '../../../adapters/tools/process-tool-runner.ts';
import type { RenderNetworkPolicy } from '../../../adapters/tools/render-network-policy.ts';
import type { ToolRunner } from '../../../engine/ports.ts';

/**
 * The real helm and kubectl (unpacked once into the user cache) with a fresh HOME and cache dir.
 * `network` widens the default render network policy (tests with a chart repository on
 * loopback allow 127.0.0.1 explicitly).
 */
export async function realTools(
  opts: { network?: RenderNetworkPolicy } = {},
): Promise<{ tools: ToolRunner; cacheDir: string; scratch: string }> {
  const paths = await ensureTools();
  const scratch = await mkdtemp(join(tmpdir(), 'syncwave-render-test-'));
  const tools = new ProcessToolRunner({
    tools: paths,
    homeDir: join(scratch, 'home'),
    network: opts.network,
  });
  return { tools, cacheDir: join(scratch, 'cache'), scratch };
}
