import { shortRevision } from '../short-revision.ts';
import type { AppPreview, PreviewObject, PreviewReport } from './preview-report.ts';
import { previewTitle } from './preview-title.ts';

/** GitHub's limit on a check run's output.summary and output.text, in characters. */
export const GITHUB_OUTPUT_LIMIT = 65_535;

export interface PreviewMarkdown {
  title: string;
  /** Per app, a table of its objects and what a merge does to each. */
  summary: string;
  /** The diffs; cut at an object's boundary with a note when over the limit. */
  text: string;
  truncated: boolean;
}

const ACTION_WORD: Record<PreviewObject['action'], string> = {
  create: 'create',
  update: 'update',
  adopt: 'take over (exists, not owned by this app; live content not shown)',
  prune: 'prune',
  orphan: 'left in the cluster (prune is off)',
};

/** `|` and line breaks would break a table cell. */
const cell = (s: string) => s.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

function appTable(app: AppPreview): string[] {
  const head = [`### ${app.app} (wave ${app.wave})`, ...app.notes.map((n) => `> ${n}`)];
  if (app.status === 'render-failed') return [...head, `**does not render**: ${cell(app.error)}`];
  if (app.status === 'unchanged') return [...head, 'no changes'];
  const rows = app.objects.map(
    (o) => `| \`${o.object}\` | ${ACTION_WORD[o.action]} | ${cell(o.paths.join(', '))} |`,
  );
  if (app.status === 'rejected')
    rows.push(...app.rejected.map((r) => `| \`${r.object}\` | **rejected** | ${cell(r.message)} |`));
  return [...head, '| object | action | fields |', '| --- | --- | --- |', ...rows];
}

/** The report as a check run's title, summary and text (GitHub-flavoured Markdown). */
export function previewMarkdown(
  report: PreviewReport,
  opts: { limit?: number; command?: string } = {},
): PreviewMarkdown {
  const limit = opts.limit ?? GITHUB_OUTPUT_LIMIT;
  const intro = [
    `Merging \`${shortRevision(report.revision)}\` into **${report.env}** would do the following (server-side dry run against the live cluster; nothing was written).`,
    ...report.notes.map((n) => `> ${n}`),
  ];
  const summary = clip([...intro, ...report.apps.flatMap((a) => ['', ...appTable(a)])].join('\n'), limit);
  const blocks = report.apps.flatMap((a) =>
    a.status === 'render-failed' || a.status === 'unchanged'
      ? []
      : a.objects
          .filter((o) => o.diff)
          .map((o) => `#### ${a.app}: ${o.action} \`${o.object}\`\n\`\`\`diff\n${o.diff.trimEnd()}\n\`\`\``),
  );
  const { text, truncated } = fitBlocks(blocks, limit, opts.command);
  return { title: previewTitle(report), summary, text, truncated };
}

function fitBlocks(blocks: string[], limit: number, command?: string): { text: string; truncated: boolean } {
  const all = blocks.join('\n\n');
  if (all.length <= limit) return { text: all, truncated: false };
  const see = command ? ` Run \`${command}\` to see every diff.` : '';
  const note = (left: number, cut: boolean) => {
    const what = cut
      ? `the diff above is cut${left ? `, ${left} more not shown` : ''}`
      : `${left} more diff${left === 1 ? '' : 's'} not shown`;
    return `\n\n**${what}**: GitHub's ${limit}-character limit was reached.${see}`;
  };
  const kept: string[] = [];
  let size = 0;
  for (const [i, block] of blocks.entries()) {
    const next = size + (kept.length ? 2 : 0) + block.length;
    if (next + note(blocks.length - i, false).length <= limit) {
      kept.push(block);
      size = next;
      continue;
    }
    if (kept.length) return { text: kept.join('\n\n') + note(blocks.length - i, false), truncated: true };
    // Not even the first diff fits: its start, the fence closed.
    const tail = note(blocks.length - 1, true);
    const room = Math.max(0, limit - tail.length - '\n…\n```'.length);
    return { text: `${block.slice(0, room)}\n…\n\`\`\`${tail}`, truncated: true };
  }
  return { text: kept.join('\n\n'), truncated: false };
}

function clip(s: string, limit: number): string {
  return s.length <= limit ? s : `${s.slice(0, Math.max(0, limit - 2))}\n…`;
}
