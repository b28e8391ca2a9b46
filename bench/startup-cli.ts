/**
 * Start-up of the CLI: `syncwave --help` from an installed package and through `npx`, beside
 * what `npx` itself costs (a bin that does nothing) and the clone's bin/syncwave.js. Wall time,
 * median of `runs` spawns after a warm-up, and the CPU time of the same runs (steadier on a
 * shared machine).
 *
 *   npm run bench startup
 */
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../scripts/build.ts';
import { type BenchResult, median, result } from './bench-result.ts';
import { installPackage, ROOT } from './install-package.ts';

export interface StartupOptions {
  runs?: number;
  /** Pack and install the package (the targets are measured there); the clone only when false. */
  installed?: boolean;
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** Runs a command `runs` times (after 2 warm-ups) under /usr/bin/time when present. */
function measure(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; runs: number },
): Timing {
  const time = spawnSync('sh', ['-c', 'command -v /usr/bin/time']).status === 0;
  const wall: number[] = [];
  const cpu: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < opts.runs + 2; i++) {
    const started = performance.now();
    const r = time
      ? spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { ...opts, encoding: 'utf8' })
      : spawnSync(cmd, args, { ...opts, encoding: 'utf8' });
    const ms = performance.now() - started;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i < 2) continue;
    wall.push(ms);
    const last = time ? r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) : [];
    if (last.length === 3) {
      cpu.push((last[0]! + last[1]!) * 1000);
      rss.push(last[2]! / 1024);
    }
  }
  return {
    wallMs: median(wall),
    cpuMs: cpu.length ? median(cpu) : Number.NaN,
    maxRssMb: rss.length ? median(rss) : Number.NaN,
  };
}

const round = (x: number) => Math.round(x * 10) / 10;

export async function benchStartup(options: StartupOptions = {}): Promise<BenchResult[]> {
  const runs = options.runs ?? 15;
  const how = `median of ${runs}`;
  const rows: BenchResult[] = [];
  // The clone runs dist/ when it is up to date (else the sources through tsx): build it first.
  await buildCli();
  const clone = measure(process.execPath, [join(ROOT, 'bin', 'syncwave.js'), '--help'], {
    cwd: ROOT,
    env: process.env,
    runs,
  });
  rows.push(
    result('startup/cli-clone', round(clone.wallMs), 'ms', undefined, `node bin/syncwave.js --help, ${how}`),
  );
  if (options.installed === false) return rows;

  const pkg = await installPackage();
  const floorDir = await mkdtemp(join(tmpdir(), 'sw-bench-npx-'));
  try {
    const opts = { cwd: pkg.project, env: pkg.env, runs };
    const cli = measure(pkg.bin, ['--help'], opts);
    const npx = measure('npx', ['syncwave', '--help'], opts);
    // What npx costs before any package code runs: a bin that is an empty script.
    await mkdir(join(floorDir, 'node_modules', '.bin'), { recursive: true });
    await writeFile(join(floorDir, 'package.json'), '{ "name": "npx-floor", "private": true }\n');
    await writeFile(join(floorDir, 'node_modules', '.bin', 'noop'), '#!/usr/bin/env node\n');
    await chmod(join(floorDir, 'node_modules', '.bin', 'noop'), 0o755);
    const floor = measure('npx', ['noop'], { ...opts, cwd: floorDir });
    rows.push(
      result(
        'startup/cli',
        round(cli.wallMs),
        'ms',
        { op: '<', value: 150 },
        `installed syncwave --help, ${how}`,
      ),
      result('startup/cli-cpu', round(cli.cpuMs), 'ms', undefined, 'user+sys CPU of the same runs'),
      result('startup/cli-rss', round(cli.maxRssMb), 'MB', undefined, 'peak RSS of syncwave --help'),
      result('startup/npx', round(npx.wallMs), 'ms', { op: '<', value: 250 }, `npx syncwave --help, ${how}`),
      result('startup/npx-cpu', round(npx.cpuMs), 'ms', undefined, 'user+sys CPU of the same runs'),
      result(
        'startup/npx-floor',
        round(floor.wallMs),
        'ms',
        undefined,
        `npx of an empty bin (npm's own cost), ${how}`,
      ),
      result('startup/npx-floor-cpu', round(floor.cpuMs), 'ms', undefined, 'user+sys CPU of the same runs'),
      result(
        'startup/package-size',
        round(pkg.tarballBytes / 1024 / 1024),
        'MB',
        undefined,
        'npm pack tarball (helm+kubectl zip inside)',
      ),
    );
    // Without /usr/bin/time there is no CPU or RSS figure: leave those rows out.
    return rows.filter((r) => Number.isFinite(r.value));
  } finally {
    await rm(floorDir, { recursive: true, force: true });
    await pkg.dispose();
  }
}
