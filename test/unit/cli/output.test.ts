// The CLI's output: tables for people (colour-free when not a terminal), JSON/YAML for scripts.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appListTable } from '../../../cli/output/app-list-table.ts';
import { historyTable } from '../../../cli/output/history-table.ts';
import { formatOutput, parseOutputFormat } from '../../../cli/output/output-format.ts';
import { relativeTime } from '../../../cli/output/relative-time.ts';
import { renderTable } from '../../../cli/output/table.ts';
import type { HistoryEntry } from '../../../engine/history.ts';
import type { AppState } from '../../../engine/state.ts';

const now = new Date('2025-01-01T12:00:00Z');
const app = (name: string, over: Partial<AppState> = {}): AppState => ({
  env: 'dev',
  app: name,
  revision: '0123456789abcdef0123456789abcdef01234567',
  syncStatus: 'Synced',
  health: { status: 'Healthy' },
  resources: [],
  inventory: [],
  wave: 0,
  lastOperation: {
    phase: 'Succeeded',
    message: 'ok',
    revision: 'x',
    initiator: 'push',
    startedAt: '2025-01-01T11:55:00Z',
    finishedAt: '2025-01-01T11:57:00Z',
  },
  updatedAt: '2025-01-01T11:57:00Z',
  ...over,
});

describe('renderTable', () => {
  it('pads columns to the widest cell, ignoring colour codes', () => {
    const text = renderTable(
      [
        { header: 'name', value: (r: { n: string; s: string }) => r.n },
        { header: 'status', value: (r) => r.s },
      ],
      [
        { n: 'frontend', s: '\u001b[32mSynced\u001b[39m' },
        { n: 'db', s: 'OutOfSync' },
      ],
    );
    expect(text.split('\n')).toEqual([
      'NAME       STATUS',
      'frontend   \u001b[32mSynced\u001b[39m',
      'db         OutOfSync',
    ]);
  });
});

describe('app list table', () => {
  it('shows name, env, wave, sync, health, short revision and last sync', () => {
    const text = appListTable(
      [app('frontend', { wave: 2 }), app('database', { syncStatus: 'OutOfSync', automationPaused: true })],
      now,
    );
    const [header, first, second] = text.split('\n');
    expect(header).toMatch(/^NAME\s+ENV\s+WAVE\s+SYNC\s+HEALTH\s+REVISION\s+LAST SYNC$/);
    expect(first).toMatch(/^frontend\s+dev\s+2\s+Synced\s+Healthy\s+0123456\s+Succeeded 3m ago$/);
    expect(second).toMatch(/OutOfSync.*0123456 \(paused\)/);
  });

  it('says what to do when there are no apps', () => {
    expect(appListTable([], now)).toMatch(/No apps yet/);
  });
});

describe('history table', () => {
  it('lists ids, revisions and messages newest first as given', () => {
    const entry: HistoryEntry = {
      id: 7,
      env: 'dev',
      app: 'frontend',
      revision: 'abcdef1234567890abcdef1234567890abcdef12',
      initiator: 'rollback',
      startedAt: '2025-01-01T10:00:00Z',
      finishedAt: '2025-01-01T10:00:30Z',
      phase: 'Succeeded',
      message: 'synced 3 objects',
      health: { status: 'Healthy' },
      resources: [],
    };
    expect(historyTable([entry], now).split('\n')[1]).toMatch(
      /^7\s+abcdef1\s+rollback\s+Succeeded\s+Healthy\s+1h ago\s+synced 3 objects$/,
    );
  });
});

describe('output formats', () => {
  it('prints JSON and YAML that parse back to the data', () => {
    const data = { apps: [app('frontend')] };
    expect(JSON.parse(formatOutput('json', data, () => 'table'))).toEqual(data);
    expect(parse(formatOutput('yaml', data, () => 'table'))).toEqual(data);
    expect(formatOutput('table', data, () => 'table')).toBe('table');
  });

  it('rejects an unknown format with the known ones', () => {
    expect(() => parseOutputFormat('xml')).toThrow(/use one of table, json, yaml/);
  });

  it('ages times relative to now', () => {
    expect(relativeTime('2025-01-01T11:59:30Z', now)).toBe('30s ago');
    expect(relativeTime('2024-12-30T12:00:00Z', now)).toBe('2d ago');
    expect(relativeTime(undefined, now)).toBe('-');
  });
});
