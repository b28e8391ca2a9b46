// Builds the hostile corpus for tests: a directory outside every checkout full of canary
// secrets, an HTTP service on loopback that counts requests (it must never get one), and each
// case as a real git repository (real git, symlinks committed as symlinks).
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { createWorkRepo, type GitWorkRepo } from '../../../harness/git-work-repo.ts';
import type { HostileCase } from '../cases.ts';

export interface HostileWorld {
  /** A secret the test process holds (in its environment and in files outside the checkout). */
  canary: string;
  outside: string;
  /** `http://127.0.0.1:<port>` of the loopback service. */
  internal: string;
  /** Requests the loopback service got. */
  internalRequests: string[];
  close(): Promise<void>;
}

const CANARY_VARIABLES = ['SYNCWAVE_HOSTILE_CANARY', 'AWS_SECRET_ACCESS_KEY', 'SYNCWAVE_GIT_TOKEN'];

/** Plants the canary in the test process's environment and in `<tmp>/outside`, and starts the loopback service. */
export async function hostileWorld(tmp: string): Promise<HostileWorld> {
  const canary = `canary-${Math.random().toString(36).slice(2)}-secret`;
  const saved = CANARY_VARIABLES.map((k) => [k, process.env[k]] as const);
  for (const k of CANARY_VARIABLES) process.env[k] = canary;
  const outside = join(tmp, 'outside');
  const files: Record<string, string> = {
    'secret.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stolen }\ndata: { secret: ${canary} }\n`,
    'values.yaml': `leak: ${canary}\n`,
    'templates/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stolen }\ndata: { secret: ${canary} }\n`,
    'chart/Chart.yaml': 'apiVersion: v2\nname: child\nversion: 0.1.0\n',
    'chart/templates/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: stolen }\ndata: { secret: ${canary} }\n`,
    'kustomization.yaml': 'resources: [secret.yaml]\n',
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(outside, path)), { recursive: true });
    await writeFile(join(outside, path), text);
  }
  const internalRequests: string[] = [];
  const server: Server = createServer((req, res) => {
    internalRequests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(canary);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const internal = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    canary,
    outside,
    internal,
    internalRequests,
    close: async () => {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The case's text with its placeholders filled in. */
export function fill(text: string, world: HostileWorld, env: { name: string; prefix: string }): string {
  return text
    .replaceAll('{outside-noslash}', world.outside.slice(1))
    .replaceAll('{outside}', world.outside)
    .replaceAll('{up}', '../'.repeat(40))
    .replaceAll('{internal-localhost}', world.internal.replace('127.0.0.1', 'localhost'))
    .replaceAll('{internal}', world.internal)
    .replaceAll('{env}', env.name)
    .replaceAll('{prefix}', env.prefix);
}

/** The case as a git repository on branch develop; resolves with the repository. */
export async function hostileRepo(
  dir: string,
  c: HostileCase,
  world: HostileWorld,
  env: { name: string; prefix: string },
): Promise<GitWorkRepo> {
  const repo = await createWorkRepo({ dir, branches: ['develop'] });
  const config =
    c.config ??
    `environments:\n  {env}: { branch: develop, cluster: test, namespacePrefix: {prefix} }\napps:\n${c.apps ?? ''}\n`;
  if (!c.links?.['syncwave.yaml']) await repo.write('syncwave.yaml', fill(config, world, env));
  for (const [path, text] of Object.entries(c.files)) await repo.write(path, fill(text, world, env));
  for (const [path, target] of Object.entries(c.links ?? {})) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await symlink(fill(target, world, env), join(dir, path));
  }
  await repo.commitAll(c.name);
  return repo;
}
