import pc from 'picocolors';

const colors = pc.createColors(true);

/** Colors a unified diff for a terminal: headers bold, additions green, removals red, hunks cyan. */
export function colorizeDiff(unified: string): string {
  return unified
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return colors.bold(line);
      if (line.startsWith('+')) return colors.green(line);
      if (line.startsWith('-')) return colors.red(line);
      if (line.startsWith('@@')) return colors.cyan(line);
      return line;
    })
    .join('\n');
}
