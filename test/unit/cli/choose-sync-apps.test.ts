import { describe, expect, it } from 'vitest';
import { chooseSyncApps } from '../../../cli/local/choose-sync-apps.ts';
import type { AppState } from '../../../engine/state.ts';
import { makeApp } from '../render/make-app.ts';

const automated = { automated: { prune: true, selfHeal: false, allowEmpty: false } };
const apps = [
  makeApp('database', 'apps/database', { syncPolicy: { ...makeApp('x', 'x').syncPolicy, ...automated } }),
  makeApp('backend', 'apps/backend', { wave: 1 }),
  makeApp('frontend', 'apps/frontend', {
    wave: 2,
    syncPolicy: { ...makeApp('x', 'x').syncPolicy, ...automated },
  }),
];
const paused = new Map([['frontend', { app: 'frontend', automationPaused: true } as AppState]]);

describe('chooseSyncApps (syncwave sync --env by hand)', () => {
  it('syncs every app of the environment, automated or not', () => {
    expect(chooseSyncApps(apps, new Map())).toEqual({
      sync: ['database', 'backend', 'frontend'],
      skipped: [],
    });
  });

  it('with --automated-only skips apps without an automated policy, saying so', () => {
    const choice = chooseSyncApps(apps, new Map(), { automatedOnly: true });
    expect(choice.sync).toEqual(['database', 'frontend']);
    expect(choice.skipped).toEqual([
      { app: 'backend', wave: 1, reason: expect.stringMatching(/no automated sync policy/) },
    ]);
  });

  it('skips an app paused by a rollback unless it is named, and lists apps not named by --app', () => {
    const all = chooseSyncApps(apps, paused);
    expect(all.sync).toEqual(['database', 'backend']);
    expect(all.skipped[0]?.reason).toMatch(/paused by a rollback.*app resume frontend/);
    const named = chooseSyncApps(apps, paused, { named: ['frontend'] });
    expect(named.sync).toEqual(['frontend']);
    expect(named.skipped.map((s) => [s.app, s.reason])).toEqual([
      ['database', 'not named by --app'],
      ['backend', 'not named by --app'],
    ]);
  });
});
