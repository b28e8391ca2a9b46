import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureTools } from '../../adapters/tools/ensure-tools.ts';

const run = promisify(execFile);

/** helm or kubectl as syncwave runs it: its path, where it came from, and the version it reports. */
export interface ToolVersion {
  name: 'helm' | 'kubectl';
  path: string;
  origin: 'tools-dir' | 'lambda-layer' | 'cache';
  /** `v3.19.0`, or why it could not be told. */
  version: string;
  ok: boolean;
}

async function ask(
  path: string,
  args: string[],
  pick: (stdout: string) => string,
): Promise<[string, boolean]> {
  try {
    const { stdout } = await run(path, args, { timeout: 10_000, env: { PATH: '/usr/bin:/bin' } });
    return [pick(stdout), true];
  } catch (err) {
    return [`cannot run ${path}: ${(err as Error).message.split('\n')[0]}`, false];
  }
}

/** Finds (or unpacks, on first use) helm and kubectl and asks each for its version. */
export async function toolVersions(): Promise<ToolVersion[]> {
  const tools = await ensureTools();
  const [[helm, helmOk], [kubectl, kubectlOk]] = await Promise.all([
    ask(tools.helm, ['version', '--short'], (out) => out.trim().replace(/\+g[0-9a-f]+$/, '')),
    ask(tools.kubectl, ['version', '--client', '-o', 'json'], (out) => {
      const parsed = JSON.parse(out) as { clientVersion?: { gitVersion?: string } };
      return parsed.clientVersion?.gitVersion ?? out.trim();
    }),
  ]);
  return [
    { name: 'helm', path: tools.helm, origin: tools.origin, version: helm, ok: helmOk },
    { name: 'kubectl', path: tools.kubectl, origin: tools.origin, version: kubectl, ok: kubectlOk },
  ];
}
