import { describe, expect, it } from 'vitest';
import { previewMarkdown } from '../../../engine/preview/preview-markdown.ts';
import type { PreviewReport } from '../../../engine/preview/preview-report.ts';

const REV = 'c0ffee0000000000000000000000000000000000';

function report(diffs: number, diffSize: number): PreviewReport {
  return {
    env: 'prod',
    revision: REV,
    outcome: 'changes',
    notes: [],
    apps: [
      {
        app: 'web',
        wave: 0,
        status: 'changes',
        notes: [],
        objects: Array.from({ length: diffs }, (_, i) => ({
          object: `ConfigMap/web/c${i}`,
          action: 'update' as const,
          paths: ['data.x'],
          diff: `-x: ${'a'.repeat(diffSize)}\n+x: b`,
        })),
      },
    ],
  };
}

describe('previewMarkdown', () => {
  it('a table per app and every diff when under the limit', () => {
    const md = previewMarkdown(report(2, 10));
    expect(md.title).toBe('prod at c0ffee0: 2 changes in web');
    expect(md.summary).toContain('### web (wave 0)');
    expect(md.summary).toContain('| `ConfigMap/web/c1` | update | data.x |');
    expect(md.text.match(/```diff/g)).toHaveLength(2);
    expect(md.truncated).toBe(false);
  });

  it('over the limit: whole diffs only, a note saying how many are left out and how to see them', () => {
    const md = previewMarkdown(report(10, 900), { limit: 4000, command: 'syncwave preview --env prod' });
    expect(md.truncated).toBe(true);
    expect(md.text.length).toBeLessThanOrEqual(4000);
    const shown = md.text.match(/```diff/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(md.text).toContain(`**${10 - shown} more diffs not shown**`);
    expect(md.text).toContain('`syncwave preview --env prod`');
    expect(md.text.match(/```/g)?.length ?? 0).toBe(shown * 2);
  });

  it('at the real 65535 limit one huge diff is cut and its fence closed', () => {
    const md = previewMarkdown(report(1, 100_000));
    expect(md.text.length).toBeLessThanOrEqual(65_535);
    expect(md.text.endsWith("**the diff above is cut**: GitHub's 65535-character limit was reached.")).toBe(
      true,
    );
    expect(md.text.match(/```/g)).toHaveLength(2);
  });

  it('a rejected object is listed with the API server message, a render error with its file', () => {
    const md = previewMarkdown({
      env: 'prod',
      revision: REV,
      outcome: 'failed',
      notes: [],
      apps: [
        {
          app: 'a',
          wave: 0,
          status: 'rejected',
          notes: [],
          objects: [],
          rejected: [{ object: 'Deployment/a/web', message: 'spec.replicas: Invalid value: -1' }],
        },
        {
          app: 'b',
          wave: 1,
          status: 'render-failed',
          notes: [],
          error: 'app prod/b: apps/b/x.yaml:3: yaml syntax: bad',
          file: 'apps/b/x.yaml',
        },
      ],
    });
    expect(md.title).toBe('prod at c0ffee0: a rejected by the API server, b does not render');
    expect(md.summary).toContain('| `Deployment/a/web` | **rejected** | spec.replicas: Invalid value: -1 |');
    expect(md.summary).toContain('apps/b/x.yaml:3');
  });
});
