import { createHash } from 'node:crypto';
import type { KubeObject } from '../model.ts';

/**
 * A hash of a desired object as it is sent to the API server (namespace assigned, tracking
 * annotation written): the same manifest gives the same hash, any change to it another.
 * Plain JSON, not key-sorted: a render gives keys in the same order every time, and an order
 * that differs only costs one dry run (a hash that differs is never trusted to mean "in sync").
 */
export function desiredHash(obj: KubeObject): string {
  return createHash('sha256').update(JSON.stringify(obj)).digest('base64url');
}
