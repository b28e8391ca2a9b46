/** Push payloads from @octokit/webhooks-examples (GitHub's real shapes), and variants derived from them. */
import { createRequire } from 'node:module';

interface ExampleGroup {
  name: string;
  examples: Array<Record<string, unknown>>;
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleGroup[];

function group(name: string): Array<Record<string, unknown>> {
  const found = examples.find((g) => g.name === name);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name} examples`);
  return found.examples;
}

// biome-ignore lint/suspicious/noExplicitAny: payloads are free-form JSON in tests
type Payload = Record<string, any>;

/** The example that creates refs/heads/master with one commit. */
export function createdBranchPush(): Payload {
  const p = group('push').find((e) => e.ref === 'refs/heads/master' && e.created === true);
  if (!p) throw new Error('no branch-creating push example');
  return structuredClone(p);
}

/** The same push as an ordinary fast-forward to `branch` (before = a real parent SHA). */
export function ordinaryPush(branch = 'master'): Payload {
  const p = createdBranchPush();
  p.ref = `refs/heads/${branch}`;
  p.created = false;
  p.before = '9049f1265b7d61be4a8904a9a27120d2064dab3b';
  return p;
}

export function tagPush(): Payload {
  const p = group('push').find((e) => String(e.ref).startsWith('refs/tags/') && e.created === true);
  if (!p) throw new Error('no tag push example');
  return structuredClone(p);
}

export function deletedBranchPush(): Payload {
  const p = group('push').find((e) => e.deleted === true);
  if (!p) throw new Error('no deleting push example');
  const c = structuredClone(p);
  c.ref = 'refs/heads/master';
  return c;
}

export function pingPayload(): Payload {
  return structuredClone(group('ping')[0]!);
}

export function issuesPayload(): Payload {
  return structuredClone(group('issues')[0]!);
}
