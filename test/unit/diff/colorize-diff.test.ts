import { describe, expect, it } from 'vitest';
import { colorizeDiff } from '../../../engine/diff/colorize-diff.ts';

const ESC = '\u001b[';

describe('colorizeDiff', () => {
  it('colors additions green, removals red, hunks cyan and keeps context plain', () => {
    const lines = colorizeDiff('--- live/x\n+++ desired/x\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n').split(
      '\n',
    );

    expect(lines[0]).toBe(`${ESC}1m--- live/x${ESC}22m`);
    expect(lines[1]).toBe(`${ESC}1m+++ desired/x${ESC}22m`);
    expect(lines[2]).toBe(`${ESC}36m@@ -1,2 +1,2 @@${ESC}39m`);
    expect(lines[3]).toBe(' a: 1');
    expect(lines[4]).toBe(`${ESC}31m-b: 2${ESC}39m`);
    expect(lines[5]).toBe(`${ESC}32m+b: 3${ESC}39m`);
    expect(lines[6]).toBe('');
  });

  it('leaves an empty diff empty', () => {
    expect(colorizeDiff('')).toBe('');
  });
});
