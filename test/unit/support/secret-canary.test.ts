// The leak detector the integration tests rely on finds a value plain, base64 alone, and base64
// inside a longer base64 text at any byte offset.
import { describe, expect, it } from 'vitest';
import { secretCanary } from '../../support/secret-canary.ts';

describe('secretCanary', () => {
  it.each([0, 1, 2, 3])('finds a value base64-encoded after %i other bytes', (offset) => {
    const c = secretCanary();
    c.collect('out', `data: ${Buffer.from(`${'k'.repeat(offset)}${c.values[1]}tail`).toString('base64')}`);
    expect(c.leaks()).toHaveLength(1);
  });

  it('finds a plain value, labels the line, and ignores masks', () => {
    const c = secretCanary();
    c.collect('syncwave app diff', `password: ++++++++\nerror: ${c.values[0]} rejected`);
    expect(c.leaks()).toEqual([`syncwave app diff: error: ${c.values[0]} rejected`]);
    expect(c.lines).toBe(2);
  });
});
