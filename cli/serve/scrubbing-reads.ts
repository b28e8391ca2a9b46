import type { Scrub, StateStore } from '../../engine/index.ts';

const READS = new Set(['getApp', 'listApps', 'getEnvironment', 'listHistory', 'getOperation']);

/**
 * The state store as the API sees it: what it reads (apps, history, operations, whose messages
 * can hold a render's error output) comes back with known secret values scrubbed. Writes and
 * every other method pass through untouched.
 */
export function scrubbingReads(state: StateStore, scrub: Scrub): StateStore {
  return new Proxy(state, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !READS.has(prop)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        return result === undefined ? undefined : JSON.parse(scrub(JSON.stringify(result)));
      };
    },
  });
}
