import picocolors from 'picocolors';

/**
 * Colours are on for a terminal and off for pipes and files, like kubectl; NO_COLOR turns
 * them off and FORCE_COLOR on. (picocolors alone also colours any output when CI is set.)
 */
function colourEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true && env.TERM !== 'dumb';
}

const pc = picocolors.createColors(colourEnabled());
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
