// Pull request previews end to end: `syncwave serve` as a process with a real git server on
// loopback and the real control plane; pull_request webhooks signed as GitHub signs them. The one
// stand-in is GitHub's check-runs API (POST/PATCH /repos/:owner/:repo/check-runs), which cannot
// run here: a loopback HTTP server records what serve's GithubCheckRuns (Octokit) sends. It also
// stands in for GitLab's merge request notes API (POST /api/v4/projects/:path/merge_requests/:iid/notes).
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendGithubWebhook } from '../../scripts/demo/github-push.ts';
import { type ServeEnv, serveEnv } from '../support/serve-env.ts';

interface CheckCall {
  method: string;
  path: string;
  authorization?: string;
  // biome-ignore lint/suspicious/noExplicitAny: request bodies as GitHub receives them
  body: Record<string, any>;
}

const calls: CheckCall[] = [];
const notes: CheckCall[] = [];
let github: Server;
let githubUrl: string;
let s: ServeEnv;
const TOKEN = `ghs_${randomBytes(8).toString('hex')}`;
const PASSWORD = 'initial-password-value';
const tokenFile = join(process.env.TMPDIR ?? '/tmp', `sw-preview-token-${process.pid}`);

/** The stand-in: creates answer an id, updates 200; everything recorded. */
async function startChecksStandIn(): Promise<void> {
  github = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const note =
        req.method === 'POST' &&
        /^\/api\/v4\/projects\/[^/]+\/merge_requests\/\d+\/notes$/.test(req.url ?? '');
      if (note) {
        notes.push({
          method: 'POST',
          path: req.url!,
          authorization: String(req.headers['private-token']),
          body: JSON.parse(body),
        });
        res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}');
        return;
      }
      const create = req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/check-runs$/.test(req.url ?? '');
      const update = req.method === 'PATCH' && /^\/repos\/[^/]+\/[^/]+\/check-runs\/\d+$/.test(req.url ?? '');
      if (!create && !update) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      calls.push({
        method: req.method!,
        path: req.url!,
        authorization: req.headers.authorization,
        body: JSON.parse(body),
      });
      res
        .writeHead(create ? 201 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: calls.length }));
    });
  });
  await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
  githubUrl = `http://127.0.0.1:${(github.address() as { port: number }).port}`;
}

/** The completed check run of a head commit: its create's name and head_sha, its update's conclusion and output. */
async function completedCheck(sha: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const created = calls.find((c) => c.method === 'POST' && c.body.head_sha === sha);
    if (created) {
      const id = calls.indexOf(created) + 1;
      const done = calls.find((c) => c.method === 'PATCH' && c.path.endsWith(`/check-runs/${id}`));
      if (done) return { created, done };
    }
    if (Date.now() > deadline)
      throw new Error(
        `no completed check run for ${sha.slice(0, 7)}; calls: ${JSON.stringify(calls.map((c) => [c.method, c.path, c.body.head_sha]))} (log ${s.logFile})`,
      );
    await new Promise((r) => setTimeout(r, 300));
  }
}

let prNumber = 0;

/** A branch off develop with `change` committed and pushed; back on develop. Returns the head. */
async function prBranch(name: string, change: () => Promise<void>): Promise<string> {
  await s.repo.git('checkout', '-q', '-B', name, 'develop');
  await change();
  await s.repo.commitAll(name);
  await s.repo.push(name);
  const sha = await s.repo.head();
  await s.repo.checkout('develop');
  return sha;
}

/** A signed pull_request delivery (GitHub's shape, the fields syncwave reads) for a head on `branch`. */
function pullRequest(action: string, number: number, branch: string, sha: string) {
  const repo = { id: 1, full_name: 'example/gitops', clone_url: s.remote };
  return sendGithubWebhook({
    url: `${s.serve.url}/webhook`,
    secret: s.secret,
    event: 'pull_request',
    payload: {
      action,
      number,
      pull_request: {
        number,
        head: { sha, ref: branch, repo },
        base: { ref: 'develop', sha: 'f'.repeat(40), repo },
      },
      repository: repo,
    },
  });
}

async function openPr(branch: string, change: () => Promise<void>) {
  const sha = await prBranch(branch, change);
  const number = ++prNumber;
  const answer = await pullRequest('opened', number, branch, sha);
  expect(answer.status, answer.body.message).toBe(202);
  return { sha, number, ...(await completedCheck(sha)) };
}

const file = (path: string) => join(s.repo.dir, path);
const secretYaml = (password: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: postgres-auth\ntype: Opaque\nstringData:\n  password: ${password}\n  user: app\n`;

beforeAll(async () => {
  await startChecksStandIn();
  await writeFile(tokenFile, TOKEN, { mode: 0o600 });
  s = await serveEnv('prev', {
    serveArgs: [
      '--github-api-url',
      githubUrl,
      '--github-token-file',
      tokenFile,
      '--gitlab-api-url',
      `${githubUrl}/api/v4`,
      '--gitlab-token-file',
      tokenFile,
    ],
  });
  await writeFile(file('apps/database/secret.yaml'), secretYaml(PASSWORD));
  const { sha } = await s.push('develop with a Secret');
  await s.waitSynced(['database', 'backend', 'frontend'], sha, { healthy: false });
});

afterAll(async () => {
  await rm(tokenFile, { force: true });
  await s?.stop();
  await new Promise((r) => github?.close(r));
});

describe('pull request previews', () => {
  it('an image bump: a check run listing exactly that Deployment change, nothing applied', async () => {
    const pr = await openPr('bump-frontend', async () => {
      await s.repo.write(
        'apps/frontend/values.yaml',
        (await readFile(file('apps/frontend/values.yaml'), 'utf8')).replace('tag: "2.0.0"', 'tag: "2.1.0"'),
      );
    });
    expect(pr.created.path).toBe('/repos/example/gitops/check-runs');
    expect(pr.created.authorization).toBe(`token ${TOKEN}`);
    expect(pr.created.body).toMatchObject({
      name: `syncwave/preview/${s.env}`,
      head_sha: pr.sha,
      status: 'in_progress',
    });
    expect(pr.done.body).toMatchObject({ status: 'completed', conclusion: 'success' });
    const { summary, text, title } = pr.done.body.output;
    expect(title).toMatch(/1 change in frontend$/);
    const rows = (summary as string).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toEqual([
      `| \`Deployment/${s.ns('frontend')}/frontend\` | update | spec.template.spec.containers[0].image |`,
    ]);
    expect(text).toContain('+          image: ghcr.io/example/frontend:2.1.0');
    const image = await s.kubectl([
      'get',
      'deployment',
      'frontend',
      '-n',
      s.ns('frontend'),
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image).toBe('ghcr.io/example/frontend:2.0.0');
  });

  it('an invalid object: a failed check naming it with the API server message', async () => {
    const pr = await openPr('bad-object', async () => {
      await s.repo.write(
        'apps/database/bad.yaml',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: -1\n  selector: { matchLabels: { app: bad } }\n  template:\n    metadata: { labels: { app: bad } }\n    spec: { containers: [{ name: c, image: busybox }] }\n',
      );
    });
    expect(pr.done.body.conclusion).toBe('failure');
    expect(pr.done.body.output.title).toMatch(/database rejected by the API server/);
    expect(pr.done.body.output.summary).toMatch(
      new RegExp(`\\| \`Deployment/${s.ns('database')}/bad\` \\| \\*\\*rejected\\*\\* \\| .*spec\\.replicas`),
    );
  });

  it('a render error: a failed check naming the file', async () => {
    const pr = await openPr('broken-yaml', async () => {
      await s.repo.write(
        'apps/backend/base/service.yaml',
        'apiVersion: v1\nkind: Service\nmetadata: [not, a, map\n',
      );
    });
    expect(pr.done.body.conclusion).toBe('failure');
    expect(pr.done.body.output.summary).toContain('**does not render**');
    expect(pr.done.body.output.summary).toContain('service.yaml');
  });

  it('a removed manifest: the check lists the prune', async () => {
    const pr = await openPr('drop-config', async () => {
      await s.repo.git('rm', '-q', 'apps/database/configmap.yaml');
    });
    expect(pr.done.body.conclusion).toBe('success');
    const rows = (pr.done.body.output.summary as string).split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toEqual([`| \`ConfigMap/${s.ns('database')}/postgres-config\` | prune |  |`]);
    expect(
      await s.kubectl(['get', 'configmap', 'postgres-config', '-n', s.ns('database'), '-o', 'name']),
    ).toBe('configmap/postgres-config');
  });

  it('a Secret change shows the key, never a value', async () => {
    const pr = await openPr('rotate-password', () =>
      s.repo.write('apps/database/secret.yaml', secretYaml('rotated-password-value')),
    );
    const { summary, text } = pr.done.body.output as { summary: string; text: string };
    expect(summary).toContain(`| \`Secret/${s.ns('database')}/postgres-auth\` | update | data.password |`);
    // Masked as Argo CD masks: Git's value ++++++++, the live one that differs a longer run.
    expect(text).toMatch(/^- {2}password: \+{12}$/m);
    expect(text).toMatch(/^\+ {2}password: \+{8}$/m);
    const everything = JSON.stringify(calls);
    for (const value of [PASSWORD, 'rotated-password-value'])
      for (const form of [value, Buffer.from(value).toString('base64')])
        expect(everything).not.toContain(form);
  });

  it('a newer head supersedes the old one: only the newest gets a check run', async () => {
    const first = await prBranch('two-heads', () =>
      s.repo.write('apps/frontend/values-dev.yaml', 'replicaCount: 2\n'),
    );
    await s.repo.git('checkout', '-q', 'two-heads');
    await s.repo.write('apps/frontend/values-dev.yaml', 'replicaCount: 3\n');
    await s.repo.commitAll('second head');
    await s.repo.push('two-heads');
    const second = await s.repo.head();
    await s.repo.checkout('develop');
    const number = ++prNumber;
    expect((await pullRequest('opened', number, 'two-heads', first)).status).toBe(202);
    expect((await pullRequest('synchronize', number, 'two-heads', second)).status).toBe(202);
    const newest = await completedCheck(second);
    expect(newest.done.body.output.summary).toContain('spec.replicas');
    // The first head's job found the branch already at the second head: skipped, no check run.
    expect(calls.filter((c) => c.body.head_sha === first)).toEqual([]);
    const log = await readFile(s.logFile, 'utf8');
    expect(log).toMatch(
      new RegExp(`superseded: pull request #${number} has a newer head ${second.slice(0, 7)}`),
    );
  });

  it('a GitLab merge request: the preview as a note on it', async () => {
    const sha = await prBranch('gitlab-bump', async () => {
      await s.repo.write('apps/frontend/values-dev.yaml', 'replicaCount: 5\n');
    });
    const res = await fetch(`${s.serve.url}/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Merge Request Hook',
        'x-gitlab-token': s.secret,
        'x-gitlab-event-uuid': 'mr-delivery-1',
      },
      body: JSON.stringify({
        object_kind: 'merge_request',
        project: { path_with_namespace: 'example/gitops', git_http_url: s.remote },
        object_attributes: {
          iid: 12,
          action: 'open',
          source_branch: 'gitlab-bump',
          target_branch: 'develop',
          source_project_id: 1,
          target_project_id: 1,
          last_commit: { id: sha },
        },
      }),
    });
    expect(res.status).toBe(202);
    const deadline = Date.now() + 90_000;
    while (!notes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
    expect(notes.map((n) => n.path)).toEqual(['/api/v4/projects/example%2Fgitops/merge_requests/12/notes']);
    expect(notes[0]?.authorization).toBe(TOKEN);
    expect(notes[0]?.body.body).toContain(
      `| \`Deployment/${s.ns('frontend')}/frontend\` | update | spec.replicas`,
    );
    expect(calls.filter((c) => c.body.head_sha === sha)).toEqual([]);
  });

  it('the deploy path is untouched: develop still deploys, and a closed pull request previews nothing', async () => {
    const closed = await pullRequest('closed', 99, 'bump-frontend', 'a'.repeat(40));
    expect(closed.status).toBe(204);
    const apps = await s.apps();
    expect(apps.map((a) => `${a.app} ${a.syncStatus}`).sort()).toEqual([
      'backend Synced',
      'database Synced',
      'frontend Synced',
    ]);
  });

  it("serve's log never shows the GitHub/GitLab token (its scrubber knows the preview tokens)", async () => {
    const log = await readFile(s.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(Buffer.from(TOKEN).toString('base64').replace(/=+$/, ''));
  });
});
