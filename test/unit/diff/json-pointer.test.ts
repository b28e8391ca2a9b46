import { describe, expect, it } from 'vitest';
import { parseJsonPointer, removeAtPointer } from '../../../engine/diff/json-pointer.ts';

describe('parseJsonPointer', () => {
  it.each([
    ['', []],
    ['/spec/replicas', ['spec', 'replicas']],
    ['/metadata/annotations/a~1b', ['metadata', 'annotations', 'a/b']],
    ['/m~0n', ['m~n']],
    ['/~01', ['~1']],
    ['/a//b', ['a', '', 'b']],
  ])('%j -> %j', (pointer, tokens) => {
    expect(parseJsonPointer(pointer)).toEqual(tokens);
  });

  it('rejects a pointer without a leading slash and says how to write one', () => {
    expect(() => parseJsonPointer('spec/replicas')).toThrow(/write it like \/spec\/replicas/);
  });
});

describe('removeAtPointer', () => {
  it('removes an object member and an array element (spliced)', () => {
    const doc = { spec: { replicas: 3, list: ['a', 'b', 'c'] } };

    expect(removeAtPointer(doc, '/spec/replicas')).toBe(true);
    expect(removeAtPointer(doc, '/spec/list/1')).toBe(true);
    expect(doc).toEqual({ spec: { list: ['a', 'c'] } });
  });

  it.each(['/spec/missing', '/spec/list/3', '/spec/list/-', '/spec/list/01', '/spec/replicas/x', ''])(
    'changes nothing for %j',
    (pointer) => {
      const doc = { spec: { replicas: 3, list: ['a'] } };
      expect(removeAtPointer(doc, pointer)).toBe(false);
      expect(doc).toEqual({ spec: { replicas: 3, list: ['a'] } });
    },
  );
});
