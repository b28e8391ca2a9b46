// syncwave as a user installs it: `npm pack` of this project, installed by the GitHub Action's
// own install step (`npm install --global --omit=dev` into a temporary prefix, from the npm
// cache where it can), then run from that installation only: validate and render on the
// examples, sync --dry-run against the shared control plane, and the action's run step with its
// inputs and exit codes. Nothing here runs the clone's sources.
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import type { JobResult } from '../../engine/job/job-result.ts';
import { createWorkRepo, type GitWorkRepo } from '../../harness/git-work-repo.ts';
import { kubectl } from '../../scripts/demo/kubectl.ts';
import { runActionSteps, type StepResult } from '../support/action-runner.ts';
import { EXAMPLES } from '../support/serve-env.ts';
import { singleEnvironmentConfig } from '../support/single-environment.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

let work: string;
let prefix: string;
let tarball: string;
let runnerEnv: NodeJS.ProcessEnv;
let install: StepResult[];
let repo: GitWorkRepo;
let env: string;
let kubeconfig: string;
let context: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The installed `syncwave` (found on PATH in the prefix, as a user's shell finds it). */
function syncwave(args: string[], opts: { node?: string } = {}): Run {
  const bin = join(prefix, 'bin', 'syncwave');
  const r = opts.node
    ? spawnSync(opts.node, [bin, ...args], { cwd: work, env: runnerEnv, encoding: 'utf8' })
    : spawnSync('syncwave', args, { cwd: work, env: runnerEnv, encoding: 'utf8' });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function action(inputs: Record<string, string>): Promise<StepResult[]> {
  return runActionSteps({ actionPath: ROOT, inputs, env: runnerEnv, steps: ['run'], cwd: work });
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path, base) : [path.slice(base.length + 1)];
  });
}

beforeAll(async () => {
  kubeconfig = process.env.KUBECONFIG ?? '';
  if (!kubeconfig) throw new Error('KUBECONFIG is not set: run through the integration project');
  context = (parse(await readFile(kubeconfig, 'utf8')) as { 'current-context': string })['current-context'];
  work = await mkdtemp(join(tmpdir(), 'sw-install-'));
  prefix = join(work, 'prefix');
  // `npm pack` runs the prepare script: it rebuilds dist/ only if it is older than the sources.
  const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  tarball = join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);
  runnerEnv = {
    ...process.env,
    // Node 22 (this process's) after the prefix, as actions/setup-node leaves it on a runner.
    PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:${process.env.PATH}`,
    RUNNER_TEMP: work,
    npm_config_prefix: prefix,
    npm_config_prefer_offline: 'true',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    SYNCWAVE_SERVER: '',
  };
  install = await runActionSteps({
    actionPath: ROOT,
    inputs: { package: tarball },
    env: runnerEnv,
    steps: ['Install syncwave'],
    cwd: work,
  });

  env = `inst${process.pid % 1000}`;
  repo = await createWorkRepo({ dir: join(work, 'repo'), from: EXAMPLES, branches: ['develop'] });
  const config = singleEnvironmentConfig(await readFile(join(repo.dir, 'syncwave.yaml'), 'utf8'), {
    env,
    context,
  });
  await writeFile(join(repo.dir, 'syncwave.yaml'), config);
  await repo.commitAll(`environment ${env}`);
}, 300_000);

afterAll(async () => {
  if (work && !process.env.SYNCWAVE_KEEP_TEST_DIRS) await rm(work, { recursive: true, force: true });
});

describe('the packed package, installed', () => {
  it('installs with the action step: built JavaScript and the helm/kubectl zip only, no dependencies', () => {
    expect(
      install.map((s) => [s.name, s.code]),
      install.at(-1)?.stderr,
    ).toEqual([['Install syncwave', 0]]);
    expect(install[0]?.stdout).toMatch(/^syncwave\s+0\.\d+\.\d+ \(commit /m);
    const pkg = join(prefix, 'lib', 'node_modules', 'syncwave');
    const files = filesUnder(pkg);
    expect(files).toContain('dist/syncwave.js');
    expect(files).toContain('bin/syncwave.js');
    expect(files.filter((f) => f.endsWith('.ts') && !f.startsWith('node_modules/'))).toEqual([]);
    expect(files).toContain('dist/tools/layer.zip');
    // Nothing installed beside it: the kubectl layer package (and its aws-cdk-lib peer) stay out.
    expect(files.filter((f) => f.startsWith('node_modules/'))).toEqual([]);
  });

  it('--help and version: the version, the commit it was built from, helm and kubectl', async () => {
    const help = syncwave(['--help']);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['serve', 'app', 'validate', 'render', 'sync', 'diff', 'version'])
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));

    const version = syncwave(['--version', '-o', 'json']);
    expect(version.code, version.stderr).toBe(0);
    const report = JSON.parse(version.stdout) as {
      version: string;
      commit: string;
      tools: Array<{ name: string; version: string }>;
    };
    const { version: expected } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(report.version).toBe(expected);
    expect(report.commit).toBe((await run('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim());
    expect(report.tools.map((t) => [t.name, t.version.match(/^v\d+\./)?.[0]])).toEqual([
      ['helm', 'v4.'],
      ['kubectl', 'v1.'],
    ]);
  });

  it('validate and render the examples', () => {
    const valid = syncwave(['validate', '--repo', EXAMPLES, '--data-dir', join(work, 'data')]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('ok   prod/frontend');
    expect(valid.stdout).toContain('is valid');

    const rendered = syncwave(['render', 'frontend', '--repo', EXAMPLES, '--env', 'prod']);
    expect(rendered.code, rendered.stderr).toBe(0);
    const docs = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as { kind: string; spec?: unknown });
    expect(docs.map((d) => d.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(rendered.stdout).toContain('replicas: 3'); // values-prod.yaml over the chart's values.yaml
  });

  it('sync --dry-run against the control plane plans every app and changes nothing', async () => {
    const dry = syncwave([
      'sync',
      '--repo',
      repo.dir,
      '--env',
      env,
      '--kubeconfig',
      kubeconfig,
      '--context',
      context,
      '--data-dir',
      join(work, 'data'),
      '--dry-run',
      '-o',
      'json',
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    const result = JSON.parse(dry.stdout) as JobResult;
    expect(result.apps.map((a) => a.app)).toEqual(['database', 'backend', 'frontend']);
    expect(result.apps.flatMap((a) => a.resources).length).toBeGreaterThan(0);
    const namespaces = await kubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
    expect(namespaces).not.toContain(`${env}-`);
  });

  it('the action: validate passes; a broken repository fails the step with 1 unless 1 is allowed', async () => {
    const ok = await action({ command: 'validate', 'repository-path': EXAMPLES });
    expect(
      ok.map((s) => [s.code, s.outputs['exit-code']]),
      ok[0]?.stderr,
    ).toEqual([[0, '0']]);
    expect(ok[0]?.stdout).toContain('is valid');

    const broken = join(work, 'broken');
    await run('cp', ['-r', EXAMPLES, broken]);
    const file = join(broken, 'syncwave.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('    wave: 0', '    wave: zero'));
    const failed = await action({ command: 'validate', 'repository-path': broken });
    expect(failed.map((s) => [s.code, s.outputs['exit-code']])).toEqual([[1, '1']]);
    expect(failed[0]?.stderr).toContain('apps[0].wave');
    expect(failed[0]?.stdout).toContain('::error title=syncwave validate::exit code 1');

    const allowed = await action({
      command: 'validate',
      'repository-path': broken,
      'allowed-exit-codes': '0,1',
    });
    expect(allowed.map((s) => [s.code, s.outputs['exit-code']])).toEqual([[0, '1']]);
  });

  it('the action: diff with kubeconfig-data reports drift (1) on an environment never synced', async () => {
    const steps = await action({
      command: 'diff',
      'repository-path': repo.dir,
      environment: env,
      'kubeconfig-data': await readFile(kubeconfig, 'utf8'),
      args: `--context ${context} --data-dir ${join(work, 'data')}`,
      'allowed-exit-codes': '0,1',
    });
    expect(
      steps.map((s) => [s.code, s.outputs['exit-code']]),
      steps[0]?.stderr,
    ).toEqual([[0, '1']]);
    expect(steps[0]?.stdout).toContain('frontend');
    // The kubeconfig from the secret is readable by this user only.
    expect((await stat(join(work, 'syncwave-kubeconfig'))).mode & 0o077).toBe(0);
  });

  it('the action: an input is one argument, never shell code', async () => {
    const marker = join(work, 'pwned');
    const steps = await action({
      command: 'diff',
      'repository-path': repo.dir,
      environment: `dev$(touch ${marker})"; touch ${marker}; echo "`,
      kubeconfig,
    });
    expect(steps[0]?.code).toBe(2);
    expect(steps[0]?.stderr).toContain('touch'); // the whole value reached syncwave as the name
    await expect(stat(marker)).rejects.toThrow(/ENOENT/);
  });

  it('an older Node stops at once naming the version needed (the newest Node runs it)', () => {
    // The first `node` on the system PATH, outside this project (CI machines have Node 20).
    const paths = (process.env.PATH ?? '').split(':').filter((p) => p && !p.includes('node_modules'));
    const found = spawnSync('sh', ['-c', 'command -v node'], {
      env: { PATH: paths.join(':') },
      encoding: 'utf8',
    }).stdout.trim();
    const node = found || process.execPath;
    const [major, minor] = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' })
      .stdout.trim()
      .split('.')
      .map(Number);
    const r = syncwave(['--help'], { node });
    if (major! < 22 || (major === 22 && minor! < 13)) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('syncwave needs Node.js 22.13 or newer');
      expect(r.stdout).toBe('');
    } else {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Usage: syncwave');
    }
  });
});
