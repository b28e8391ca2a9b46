import pc from 'picocolors';

/** Colours are on for a terminal, off for pipes and with NO_COLOR (picocolors decides). */
export const colours = pc;

const GOOD = new Set(['Synced', 'Healthy', 'Succeeded', 'succeeded', 'created', 'configured', 'unchanged']);
const BAD = new Set(['OutOfSync', 'Degraded', 'Failed', 'Error', 'failed', 'Missing']);
const BUSY = new Set(['Progressing', 'Running', 'continue', 'Suspended', 'pruned']);

/** A status word coloured by what it means: green good, red bad, yellow in progress. */
export function statusColour(word: string | undefined): string {
  if (!word) return '';
  if (GOOD.has(word)) return pc.green(word);
  if (BAD.has(word)) return pc.red(word);
  if (BUSY.has(word)) return pc.yellow(word);
  return word;
}

/** A unified diff with + lines green, - lines red and @@ lines cyan. */
export function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return pc.bold(line);
      if (line.startsWith('+')) return pc.green(line);
      if (line.startsWith('-')) return pc.red(line);
      if (line.startsWith('@@')) return pc.cyan(line);
      return line;
    })
    .join('\n');
}
