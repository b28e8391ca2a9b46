// How the demo talks to a newcomer: a heading per step, the commands a user would type,
// what was observed, and a check mark once it was verified.
import pc from 'picocolors';

let stepNo = 0;
let total = 0;
let current = '';

export function setSteps(n: number): void {
  total = n;
}

export function currentStep(): string {
  return current;
}

export function step(title: string, why: string): void {
  stepNo += 1;
  current = `${stepNo}/${total} ${title}`;
  process.stdout.write(
    `\n${pc.bold(pc.cyan(`━━ ${stepNo}/${total}  ${title} `))}${pc.cyan('━'.repeat(Math.max(4, 68 - title.length)))}\n`,
  );
  for (const line of why.split('\n')) process.stdout.write(`${pc.dim(`   ${line}`)}\n`);
}

/** A command as the user would type it. */
export function command(cmd: string): void {
  process.stdout.write(`   ${pc.green('$')} ${cmd}\n`);
}

/** Output of a command, indented. */
export function output(text: string): void {
  const lines = text.replace(/\s+$/, '').split('\n');
  for (const line of lines) process.stdout.write(`     ${line}\n`);
}

export function note(text: string): void {
  process.stdout.write(`   ${text}\n`);
}

export function ok(text: string): void {
  process.stdout.write(`   ${pc.green('✔')} ${text}\n`);
}

export function info(text: string): void {
  process.stdout.write(`${pc.dim(text)}\n`);
}

export function fail(text: string, title = 'demo failed'): void {
  process.stdout.write(`\n${pc.red(pc.bold(`✘ ${title}`))} ${pc.red(text)}\n`);
}

export class CheckError extends Error {}

/** Throws with a message saying what was expected when `cond` is false. */
export function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new CheckError(message);
}

/** Polls `probe` until it returns a value (not undefined); throws with `describe()` on timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  opts: { timeoutMs?: number; intervalMs?: number; describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const state = opts.describe
        ? await Promise.resolve(opts.describe()).catch((e: Error) => e.message)
        : '';
      const err = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new CheckError(
        `timed out after ${Math.round((opts.timeoutMs ?? 90_000) / 1000)} s waiting for ${what}${state ? `; now: ${state}` : ''}${err}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
