/**
 * `npm run bench [name...] [--smoke]`: runs the benchmarks of bench/benchmarks.ts (all, or the
 * named ones), prints each one's table and a summary, and writes bench-results.json at the
 * repository root: a list of { name, value, unit, target, met }. Rows of benchmarks that did not
 * run are kept from the previous file, so one benchmark can be re-run alone. `--smoke` runs the
 * smallest version of each (npm test checks they still work; the numbers mean nothing).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BenchResult, resultTable } from './bench-result.ts';
import { BENCHMARKS } from './benchmarks.ts';
import { ROOT } from './install-package.ts';

export interface RunBenchOptions {
  names?: string[];
  smoke?: boolean;
  /** Where to write the results; bench-results.json at the root unless told. */
  outFile?: string;
  print?: (line: string) => void;
  /** Passed to benchmarks that need a control plane (the smoke test shares its own). */
  kubeconfig?: string;
}

function readResults(file: string): BenchResult[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResult[];
  } catch {
    return [];
  }
}

const belongsTo = (row: BenchResult, bench: string) => row.name.split('/')[0] === bench;

/** Runs the benchmarks in order; a failing one is reported and the others still run. */
export async function runBenchmarks(
  options: RunBenchOptions = {},
): Promise<{ rows: BenchResult[]; failed: string[] }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const outFile = options.outFile ?? join(ROOT, 'bench-results.json');
  const unknown = (options.names ?? []).filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
  const chosen = options.names?.length
    ? BENCHMARKS.filter((b) => options.names!.includes(b.name))
    : BENCHMARKS;
  let rows = readResults(outFile);
  const failed: string[] = [];
  print(
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}, node ${process.version}`,
  );
  for (const bench of chosen) {
    print(`\n== ${bench.name}: ${bench.description}`);
    const started = performance.now();
    try {
      const got = await bench.run({
        smoke: options.smoke ?? false,
        results: rows,
        kubeconfig: options.kubeconfig,
      });
      const produced = new Set(got.map((r) => r.name));
      rows = [...rows.filter((r) => !belongsTo(r, bench.name) && !produced.has(r.name)), ...got];
      print(resultTable(got));
      print(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed.push(bench.name);
      print(`${bench.name} failed: ${(error as Error).stack ?? error}`);
    }
  }
  const withTarget = rows.filter((r) => r.target !== null);
  print(`\n== targets (${withTarget.filter((r) => r.met).length} of ${withTarget.length} met)`);
  print(resultTable(withTarget));
  writeFileSync(outFile, `${JSON.stringify(rows, null, 2)}\n`);
  return { rows, failed };
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('bench/run.ts')) {
  const args = process.argv.slice(2);
  const { failed } = await runBenchmarks({
    names: args.filter((a) => !a.startsWith('--')),
    smoke: args.includes('--smoke'),
  });
  if (failed.length) process.exitCode = 1;
}
