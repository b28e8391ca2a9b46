// Runs the `run:` steps of a composite action (action.yml) the way a GitHub runner does: each
// step's `env:` evaluated with the inputs (defaults filled in), its script run by
// `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`), outputs read back from the
// $GITHUB_OUTPUT file. A stand-in for GitHub's runner, which cannot run here: `uses:` steps
// (actions/setup-node) are left out, the caller puts Node 22 on PATH instead. Only the
// expressions the action needs are understood (`inputs.*`, `github.action_path`); any other
// makes the run fail, so the action cannot grow one this runner silently ignores.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionYaml {
  inputs: Record<string, { default?: string }>;
  runs: {
    using: string;
    steps: Array<{ id?: string; name?: string; run?: string; uses?: string; env?: Record<string, string> }>;
  };
}

export interface StepResult {
  name: string;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface RunActionOptions {
  /** The directory holding action.yml (github.action_path). */
  actionPath: string;
  inputs: Record<string, string>;
  /** The runner's environment (PATH with Node 22, RUNNER_TEMP, ...). */
  env: NodeJS.ProcessEnv;
  /** Only the steps with these ids, or names starting with these. */
  steps?: string[];
  cwd: string;
}

function evaluate(text: string, context: { inputs: Record<string, string>; actionPath: string }): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) {
      const value = context.inputs[input[1]!];
      if (value === undefined) throw new Error(`action.yml: input "${input[1]}" is not declared`);
      return value;
    }
    if (expr === 'github.action_path') return context.actionPath;
    throw new Error(`action.yml: the test runner does not evaluate \${{ ${expr} }}`);
  });
}

function runScript(script: string, env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { env, cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs the chosen steps in order and stops at the first that fails, as GitHub does. */
export async function runActionSteps(opts: RunActionOptions): Promise<StepResult[]> {
  const action = parse(await readFile(join(opts.actionPath, 'action.yml'), 'utf8')) as ActionYaml;
  if (action.runs.using !== 'composite') throw new Error('action.yml: expected a composite action');
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs))
    inputs[name] = opts.inputs[name] ?? spec.default ?? '';
  for (const name of Object.keys(opts.inputs))
    if (!(name in action.inputs)) throw new Error(`action.yml has no input "${name}"`);
  const context = { inputs, actionPath: opts.actionPath };
  const results: StepResult[] = [];
  const temp = await mkdtemp(join(opts.env.RUNNER_TEMP ?? '/tmp', 'step-'));
  for (const [index, step] of action.runs.steps.entries()) {
    if (!step.run) continue;
    const name = evaluate(step.name ?? step.id ?? `step ${index}`, context);
    if (opts.steps && !opts.steps.some((s) => s === step.id || name.startsWith(s))) continue;
    const script = join(temp, `${index}.sh`);
    const outputFile = join(temp, `${index}.out`);
    await writeFile(script, step.run);
    await writeFile(outputFile, '');
    const env: NodeJS.ProcessEnv = {
      ...opts.env,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ACTION_PATH: opts.actionPath,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = evaluate(value, context);
    const run = await runScript(script, env, opts.cwd);
    const outputs = Object.fromEntries(
      (await readFile(outputFile, 'utf8'))
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    results.push({ name, ...run, outputs });
    if (run.code !== 0) break;
  }
  return results;
}
