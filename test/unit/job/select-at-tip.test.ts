import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import { changesSince } from '../../../engine/job/changes-since.ts';
import { selectAtTip } from '../../../engine/job/select-apps.ts';
import type { AppState } from '../../../engine/state.ts';

const TIP = 'c'.repeat(40);
const OLD = 'a'.repeat(40);

function app(name: string, over: Partial<AppSpec> = {}): AppSpec {
  return {
    name,
    path: `apps/${name}`,
    extraPaths: [],
    declaredIn: 'syncwave.yaml',
    wave: 0,
    helm: { valueFiles: [], values: {}, parameters: [], releaseName: name, skipCrds: false },
    syncPolicy: { automated: { prune: true, selfHeal: true, allowEmpty: false }, healthTimeoutSeconds: 60 },
    ...over,
  } as unknown as AppSpec;
}

function state(name: string, over: Partial<AppState> = {}): AppState {
  return {
    env: 'dev',
    app: name,
    revision: OLD,
    syncedRevision: OLD,
    syncStatus: 'Synced',
    health: { status: 'Healthy' },
    resources: [],
    inventory: [],
    updatedAt: 'now',
    ...over,
  };
}

const names = (s: { selected: AppSpec[] }) => s.selected.map((a) => a.name);

describe('selectAtTip: which apps a push or poll job syncs to the branch tip', () => {
  const apps = [app('database'), app('backend'), app('frontend')];

  it('syncs the apps whose inputs changed since their synced revision, and apps never synced', () => {
    const states = new Map([
      ['database', state('database')],
      ['backend', state('backend')],
    ]);
    const changed = new Map<string, string[] | 'all'>([
      ['database', ['apps/backend/deployment.yaml']],
      ['backend', ['apps/backend/deployment.yaml']],
    ]);
    expect(names(selectAtTip(apps, { tip: TIP, states, changed, unfinished: new Set() }))).toEqual([
      'backend',
      'frontend',
    ]);
  });

  it('leaves apps at the tip alone: a duplicate delivery selects nothing', () => {
    const states = new Map(apps.map((a) => [a.name, state(a.name, { revision: TIP, syncedRevision: TIP })]));
    const changed = new Map(apps.map((a) => [a.name, [] as string[]]));
    expect(names(selectAtTip(apps, { tip: TIP, states, changed, unfinished: new Set() }))).toEqual([]);
  });

  it('picks up an app left behind by an earlier job (stranded), whatever the newest push touched', () => {
    // backend was cut short at revision B; the tip C touched only frontend; backend's synced
    // revision is still A and A..C changes its files.
    const states = new Map([
      ['database', state('database', { syncedRevision: TIP, revision: TIP })],
      ['backend', state('backend', { revision: 'b'.repeat(40) })],
      ['frontend', state('frontend')],
    ]);
    const changed = new Map<string, string[] | 'all'>([
      ['backend', ['apps/backend/x.yaml', 'apps/frontend/values.yaml']],
      ['frontend', ['apps/backend/x.yaml', 'apps/frontend/values.yaml']],
    ]);
    expect(names(selectAtTip(apps, { tip: TIP, states, changed, unfinished: new Set() }))).toEqual([
      'backend',
      'frontend',
    ]);
  });

  it('always syncs an app with an unfinished operation, even if its files did not change since', () => {
    const states = new Map(apps.map((a) => [a.name, state(a.name)]));
    const changed = new Map(apps.map((a) => [a.name, [] as string[]]));
    const unfinished = new Set(['backend']);
    expect(names(selectAtTip(apps, { tip: TIP, states, changed, unfinished }))).toEqual(['backend']);
  });

  it('counts an app whose newest history entry succeeded at the tip as synced, its state write lost', () => {
    const states = new Map(apps.map((a) => [a.name, state(a.name)]));
    const changed = new Map(apps.map((a) => [a.name, 'all' as const]));
    const out = selectAtTip(apps, {
      tip: TIP,
      states,
      changed,
      unfinished: new Set(['database']),
      succeededAtTip: new Set(['database']),
    });
    expect(names(out)).toEqual(['backend', 'frontend']);
  });

  it('does not retry by itself an app whose sync at this very tip failed, and says what to do', () => {
    const failed = state('backend', {
      revision: TIP,
      lastOperation: { phase: 'Failed', message: 'x', revision: TIP, initiator: 'push', startedAt: 'now' },
    });
    const states = new Map([['backend', failed]]);
    const changed = new Map<string, string[] | 'all'>([['backend', 'all']]);
    const out = selectAtTip([app('backend')], { tip: TIP, states, changed, unfinished: new Set() });
    expect(names(out)).toEqual([]);
    expect(out.blocked).toEqual(['backend']);
    expect(out.notes.join()).toMatch(/syncwave app sync backend/);
  });

  it('skips apps without an automated policy or paused by a rollback, with a note each', () => {
    const manual = app('manual', { syncPolicy: { healthTimeoutSeconds: 60 } as AppSpec['syncPolicy'] });
    const states = new Map([['paused', state('paused', { automationPaused: true })]]);
    const out = selectAtTip([manual, app('paused')], {
      tip: TIP,
      states,
      changed: new Map([['paused', 'all']]),
      unfinished: new Set(),
    });
    expect(names(out)).toEqual([]);
    expect(out.notes).toEqual([
      expect.stringMatching(/^manual: not synced \(no automated sync policy\)/),
      expect.stringMatching(/^paused: not synced \(automation paused/),
    ]);
  });
});

describe('changesSince', () => {
  it('compares each distinct synced revision with the tip once; unknown answers mean all', async () => {
    const calls: string[] = [];
    const source = {
      changedPaths: async (from: string, to: string) => {
        calls.push(`${from[0]}..${to[0]}`);
        return from === OLD ? ['apps/backend/x.yaml'] : undefined;
      },
    };
    const states = new Map([
      ['a', state('a')],
      ['b', state('b')],
      ['c', state('c', { syncedRevision: 'b'.repeat(40) })],
      ['d', state('d', { syncedRevision: TIP })],
      ['e', state('e', { syncedRevision: undefined })],
    ]);
    const out = await changesSince(states, TIP, source);
    expect(Object.fromEntries(out)).toEqual({
      a: ['apps/backend/x.yaml'],
      b: ['apps/backend/x.yaml'],
      c: 'all',
      d: [],
    });
    expect(calls.sort()).toEqual(['a..c', 'b..c']);
  });
});
