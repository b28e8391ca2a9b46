import { join } from 'node:path';
import type { ToolRunner } from '../../engine/index.ts';
import { cacheRoot } from './cache-root.ts';
import { type EnsureToolsOptions, ensureTools, type ToolPaths } from './ensure-tools.ts';
import { ProcessToolRunner } from './process-tool-runner.ts';
import type { RenderNetworkPolicy } from './render-network-policy.ts';

/**
 * Everything renderApp needs from the outside, wired for this machine (local or Lambda):
 * helm/kubectl found or unpacked, a runner whose HOME is `<cache>/home` (render network policy
 * as given: by default no loopback, private or link-local destinations), and `<cache>/render`
 * for chart dependencies and scratch files.
 */
export async function createRenderTools(
  opts: EnsureToolsOptions & { network?: RenderNetworkPolicy } = {},
): Promise<{ tools: ToolRunner; cacheDir: string; paths: ToolPaths }> {
  const env = opts.env ?? process.env;
  const paths = await ensureTools(opts);
  const root = cacheRoot(env);
  const tools = new ProcessToolRunner({ tools: paths, homeDir: join(root, 'home'), network: opts.network });
  return { tools, cacheDir: join(root, 'render'), paths };
}
