/**
 * This project as a user gets it, for benchmarks: `npm pack`, then the tarball installed
 * globally into a temporary prefix (production dependencies only) and as a dependency of an
 * empty project (where `npx syncwave` finds it).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '..');

export interface InstalledPackage {
  tarball: string;
  tarballBytes: number;
  /** `<prefix>/bin/syncwave` of the global install. */
  bin: string;
  /** A project with syncwave as its only dependency (cwd for `npx syncwave`). */
  project: string;
  /** PATH with this process's Node first, as a user with Node 22 has it. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export async function installPackage(): Promise<InstalledPackage> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-install-'));
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const packed = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env,
    maxBuffer: 16 << 20,
  });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; size: number }>;
  const tarball = join(dir, info!.filename);
  const prefix = join(dir, 'prefix');
  await run('npm', ['install', '--global', '--omit=dev', tarball], {
    env: { ...env, npm_config_prefix: prefix },
  });
  const project = join(dir, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), '{ "name": "bench-project", "private": true }\n');
  await run('npm', ['install', '--omit=dev', tarball], { cwd: project, env });
  return {
    tarball,
    tarballBytes: info!.size,
    bin: join(prefix, 'bin', 'syncwave'),
    project,
    env,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
