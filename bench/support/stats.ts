/** The p-th percentile (nearest rank). */
export const percentile = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) throw new Error('percentile of no values');
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
};

/** Load averages and cores, to print beside medians (numbers on a shared machine are noisy). */
export async function loadAverage(): Promise<string> {
  const { loadavg, cpus } = await import('node:os');
  return `load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${cpus().length} cores`;
}

/** A suffix for names on a shared control plane (smoke runs), empty on a private one. */
export const nameSuffix = (shared: boolean): string =>
  shared ? `-${process.pid % 10000}${Date.now() % 10000}` : '';
