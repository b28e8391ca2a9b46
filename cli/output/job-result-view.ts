import type { JobResult } from '../../engine/index.ts';
import { colours, statusColour } from './colour.ts';
import { shortSha } from './relative-time.ts';
import { renderTable } from './table.ts';

type AppSummary = JobResult['apps'][number];

/** The outcome of a sync job for people: one line for the job, a row per app, changed objects. */
export function jobResultView(result: JobResult, opts: { verbose?: boolean } = {}): string {
  const head = `${statusColour(result.outcome)} ${result.env} @ ${shortSha(result.revision)}${result.message ? `: ${result.message}` : ''}`;
  if (result.apps.length === 0) return head;
  const table = renderTable(
    [
      { header: 'wave', value: (a: AppSummary) => String(a.wave) },
      { header: 'app', value: (a) => a.app },
      { header: 'phase', value: (a) => statusColour(a.phase) },
      { header: 'health', value: (a) => statusColour(a.health.status) },
      { header: 'message', value: (a) => a.message },
    ],
    result.apps,
  );
  const lines = [head, '', table];
  for (const app of result.apps) {
    const changed = app.resources.filter((r) => opts.verbose || r.outcome !== 'unchanged');
    if (changed.length === 0) continue;
    lines.push('', colours.bold(`${app.app}:`));
    for (const r of changed) {
      const name = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      // Messages that start with the object's own name (`Job/ns/x: run of hook x-`) say it once.
      const message = r.message?.startsWith(`${name}: `) ? r.message.slice(name.length + 2) : r.message;
      lines.push(`  ${statusColour(r.outcome)} ${name}${message ? ` - ${message}` : ''}`);
    }
  }
  return lines.join('\n');
}
