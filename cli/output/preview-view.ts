import type { AppPreview, PreviewReport } from '../../engine/index.ts';
import { previewTitle, shortRevision } from '../../engine/index.ts';
import { colourDiff, colours } from './colour.ts';

const ACTION: Record<string, (s: string) => string> = {
  create: colours.green,
  update: colours.yellow,
  adopt: colours.yellow,
  prune: colours.red,
  orphan: colours.dim,
};

function indent(text: string, by = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function appLines(app: AppPreview): string[] {
  const head = colours.bold(`${app.app} (wave ${app.wave})`);
  const notes = app.notes.map((n) => `  note: ${n}`);
  if (app.status === 'render-failed')
    return [`${head}  ${colours.red('does not render')}`, ...notes, indent(app.error, '  ')];
  if (app.status === 'unchanged') return [`${head}  ${colours.green('no changes')}`, ...notes];
  const lines = [head, ...notes];
  for (const o of app.objects) {
    const word =
      o.action === 'orphan'
        ? 'orphan (prune is off)'
        : o.action === 'adopt'
          ? 'adopt (exists, not owned by this app; live content not shown)'
          : o.action;
    lines.push(
      `  ${(ACTION[o.action] ?? String)(word.padEnd(7))} ${o.object}${o.paths.length ? `  ${colours.dim(o.paths.join(', '))}` : ''}`,
    );
    if (o.diff) lines.push(indent(colourDiff(o.diff)));
  }
  if (app.status === 'rejected')
    for (const r of app.rejected) lines.push(`  ${colours.red('reject ')} ${r.object}`, indent(r.message));
  return lines;
}

/** `syncwave preview` for people: a headline, then per app what a merge would do, with diffs. */
export function previewView(report: PreviewReport): string {
  const base = report.base ? ` (changes since ${shortRevision(report.base)})` : '';
  return [
    `${colours.bold(previewTitle(report))}${base}`,
    'server-side dry run against the live cluster: nothing was written',
    ...report.notes.map((n) => `note: ${n}`),
    ...report.apps.flatMap((a) => ['', ...appLines(a)]),
  ].join('\n');
}
