// `syncwave serve` on a new user's Argo CD repository (test/fixtures/argocd-style/example-apps):
// the Applications say `targetRevision: HEAD`, so their environment follows the default branch,
// and a push to it (a signed GitHub webhook) deploys the automated child, as Argo CD's webhook
// handler refreshes apps whose targetRevision is HEAD when the push touched the default branch.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushPayload, sendGithubWebhook } from '../../scripts/demo/github-push.ts';
import { kubectlJson } from '../../scripts/demo/kubectl.ts';
import { type ServeProcess, startServe } from '../../scripts/demo/serve-process.ts';
import { type NewUserRepo, openNewUserRepo } from '../support/new-user-repo.ts';

let u: NewUserRepo;
let serve: ServeProcess;
const SECRET = 'new-user-webhook-secret';

beforeAll(async () => {
  u = await openNewUserRepo('example-apps', `nusw${process.pid % 1000}`);
  const secretFile = join(u.repo.dir, '..', 'webhook-secret');
  await writeFile(secretFile, SECRET, { mode: 0o600 });
  serve = await startServe({
    repo: u.repo.dir,
    dataDir: join(u.repo.dir, '..', 'data'),
    secretFile,
    kubeconfig: u.kubeconfig,
    logFile: join(u.repo.dir, '..', 'serve.log'),
    driftInterval: '10m',
    extraArgs: ['--webhook-repo', 'acme/argocd-example-apps'],
  });
});

afterAll(async () => {
  await serve?.stop();
  await u.close();
});

async function replicas(): Promise<number | undefined> {
  return kubectlJson<{ spec: { replicas: number } }>(u.kubeconfig, [
    'get',
    'deployment',
    'guestbook-ui',
    '-n',
    `${u.prefix}-ns-guestbook`,
  ]).then(
    (d) => d.spec.replicas,
    () => undefined,
  );
}

describe('serve and a webhook on an Argo CD repository whose Applications target HEAD', () => {
  it('a push to the default branch queues a job for the HEAD environment and deploys the automated app', async () => {
    const before = await u.repo.head();
    const file = 'guestbook/guestbook-ui-deployment.yaml';
    const text = await u.repo.git('show', `HEAD:${file}`);
    await u.repo.write(file, `${text.replace('replicas: 1', 'replicas: 2')}\n`);
    const after = await u.repo.commitAll('guestbook: two replicas');
    const answer = await sendGithubWebhook({
      url: `${serve.url}/webhook`,
      secret: SECRET,
      payload: await pushPayload({
        repo: u.repo,
        branch: 'main',
        before,
        after,
        fullName: 'acme/argocd-example-apps',
        cloneUrl: 'https://github.com/acme/argocd-example-apps.git',
      }),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body.jobs?.map((j) => j.env)).toEqual(['default']);
    const deadline = Date.now() + 90_000;
    while ((await replicas()) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await replicas()).toBe(2);
  });
});
