// The benchmarks still work: every one of `npm run bench` in its smallest form (--smoke), on the
// shared control plane, writing its results file. Numbers are not checked (no timing
// assertions); their shape and the met/target bookkeeping are.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResult } from '../../bench/bench-result.ts';
import { BENCHMARKS } from '../../bench/benchmarks.ts';
import { runBenchmarks } from '../../bench/run.ts';

let dir: string;
let rows: BenchResult[];
let failed: string[];
let lines: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sw-bench-smoke-'));
  lines = [];
  ({ rows, failed } = await runBenchmarks({
    smoke: true,
    outFile: join(dir, 'bench-results.json'),
    kubeconfig: process.env.KUBECONFIG,
    print: (l) => lines.push(l),
  }));
}, 900_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

function holds(row: BenchResult): boolean {
  const [op, bound] = row.target!.split(' ');
  const b = Number(bound);
  return op === '<'
    ? row.value < b
    : op === '<='
      ? row.value <= b
      : op === '>'
        ? row.value > b
        : row.value >= b;
}

describe('npm run bench --smoke', () => {
  it('runs every benchmark without failing', () => {
    expect(failed, lines.join('\n')).toEqual([]);
    for (const b of BENCHMARKS) expect(lines).toContain(`\n== ${b.name}: ${b.description}`);
  });

  it('produces the rows each benchmark stands for, each a number with a unit', () => {
    const names = rows.map((r) => r.name);
    for (const name of [
      'startup/cli-clone',
      'bundle/webhook-size',
      'bundle/webhook-init',
      'throughput',
      'no-op',
      'no-op/write-requests',
      'push',
      'drift',
      'render/helm-ms',
      'memory/500-objects',
      'scale/5-apps-s',
      'cost',
    ])
      expect(names).toContain(name);
    expect(new Set(names).size).toBe(names.length);
    for (const r of rows) {
      expect(Number.isFinite(r.value), r.name).toBe(true);
      expect(r.unit, r.name).toMatch(/\S/);
    }
  });

  it('met is exactly whether the value meets its target, null without one', () => {
    for (const r of rows) {
      if (r.target === null) expect(r.met, r.name).toBeNull();
      else expect(r.met, `${r.name}: ${r.value} ${r.target}`).toBe(holds(r));
    }
  });

  it('writes the rows to the results file as a list of { name, value, unit, target, met }', async () => {
    const written = JSON.parse(await readFile(join(dir, 'bench-results.json'), 'utf8')) as BenchResult[];
    expect(written).toEqual(rows);
    for (const r of written)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['name', 'value', 'unit', 'target', 'met']));
  });
});
