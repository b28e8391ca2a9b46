import { describe, expect, it } from 'vitest';
import { gatesBefore, gatesToInherit, openGatesOf, withoutApps } from '../../../engine/job/open-gates.ts';
import type { EnvironmentState, JobProgress, OpenGate } from '../../../engine/state.ts';

const T1 = '2026-12-04T19:00:00.000Z';
const T2 = '2026-12-04T19:05:00.000Z';
const gateA: OpenGate = { wave: 1, apps: ['backend'], timeoutAt: T1, jobId: 'a', revision: 'aaa' };
const progressA: JobProgress = {
  jobId: 'a',
  revision: 'aaa',
  appsDone: ['database', 'backend'],
  gate: { wave: 1, apps: ['backend'], timeoutAt: T1 },
};
const env = (over: Partial<EnvironmentState> = {}): EnvironmentState => ({
  env: 'dev',
  updatedAt: T1,
  ...over,
});

describe('openGatesOf: the gates a job leaves open when it ends without passing them', () => {
  it("is the job's own gate, with the job and revision that opened it, then what it inherited", () => {
    const older: OpenGate = { wave: 0, apps: ['database'], timeoutAt: T2, jobId: 'z', revision: 'zzz' };
    expect(openGatesOf({ ...progressA, inheritedGates: [older] })).toEqual([gateA, older]);
  });

  it('is empty for a job waiting at no gate', () => {
    expect(openGatesOf({ jobId: 'b', revision: 'bbb', appsDone: [] })).toEqual([]);
  });
});

describe('gatesToInherit: what a job starting afresh must still wait for', () => {
  it("takes over another job's saved progress (a Lambda follow-up queued behind a newer push)", () => {
    const state = env({ inProgress: progressA });
    expect(gatesToInherit(state, { id: 'b', revision: 'bbb' })).toEqual([gateA]);
  });

  it('takes the gates a superseded job left open on the environment', () => {
    const state = env({ openGates: [gateA] });
    expect(gatesToInherit(state, { id: 'b', revision: 'bbb' })).toEqual([gateA]);
  });

  it('keeps the deadline: the timeout is the one set when the first job finished the wave', () => {
    const [gate] = gatesToInherit(env({ openGates: [gateA] }), { id: 'c', revision: 'ccc' });
    expect(gate?.timeoutAt).toBe(T1);
  });

  it('inherits nothing from its own saved progress (that is a continuation) nor from a clean environment', () => {
    expect(gatesToInherit(env({ inProgress: progressA }), { id: 'a', revision: 'aaa' })).toEqual([]);
    expect(gatesToInherit(env(), { id: 'b', revision: 'bbb' })).toEqual([]);
    expect(gatesToInherit(undefined, { id: 'b', revision: 'bbb' })).toEqual([]);
  });
});

describe('withoutApps: apps the new job syncs itself leave the inherited gate', () => {
  it('drops the apps the job syncs, and a gate left empty', () => {
    const two: OpenGate = { ...gateA, apps: ['backend', 'worker'] };
    expect(withoutApps([two], ['worker', 'frontend'])).toEqual([{ ...gateA, apps: ['backend'] }]);
    expect(withoutApps([gateA], ['backend'])).toEqual([]);
  });

  it('keeps the gate (and its deadline) when the stuck app is not synced again', () => {
    expect(withoutApps([gateA], ['database', 'frontend'])).toEqual([gateA]);
  });
});

describe('gatesBefore: the inherited gates passed before an app wave', () => {
  it('are those of earlier waves, in wave order', () => {
    const w0: OpenGate = { ...gateA, wave: 0, apps: ['database'] };
    const w2: OpenGate = { ...gateA, wave: 2, apps: ['frontend'] };
    expect(gatesBefore([w2, gateA, w0], 2)).toEqual([w0, gateA]);
    expect(gatesBefore([gateA], 1)).toEqual([]);
    expect(gatesBefore([gateA], 0)).toEqual([]);
  });
});
