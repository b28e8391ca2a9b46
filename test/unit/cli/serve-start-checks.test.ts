// serve's start-up checks of the webhook settings, run as the command a user types: a missing or
// empty secret stops it before anything listens, with a message that never shows the file's content.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedWebhookRepo, readSecret } from '../../../cli/serve/serve-command.ts';
import { runSyncwave } from '../../../scripts/demo/serve-process.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncwave-start-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const serve = (args: string[], env: Record<string, string | undefined> = {}) =>
  runSyncwave(['serve', '--repo', join(tmp, 'none'), '--data-dir', join(tmp, 'data'), ...args], {
    env: { SYNCWAVE_WEBHOOK_SECRET: undefined, ...env },
  });

describe('serve start-up', () => {
  it('stops when the secret file is missing, naming the file and what to write', async () => {
    const r = await serve(['--webhook-secret-file', join(tmp, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--webhook-secret-file .*missing: cannot use it \(ENOENT\); write the GitHub webhook's secret/,
    );
  });

  it('stops when the secret file is empty or blank', async () => {
    const file = join(tmp, 'blank');
    await writeFile(file, '  \n');
    const r = await serve(['--webhook-secret-file', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot use it \(the file is empty\)/);
  });

  it('reads a rotated secret file per delivery, and keeps the last good secret when it goes missing', async () => {
    const file = join(tmp, 'rotated');
    await writeFile(file, 'first-secret\n');
    const warnings: string[] = [];
    const read = await readSecret(
      { webhookSecretFile: file },
      { warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`) },
    );
    expect(await read()).toBe('first-secret');
    await writeFile(file, 'second-secret\n');
    expect(await read()).toBe('second-secret');
    await writeFile(file, '');
    expect(await read()).toBe('second-secret');
    await rm(file);
    expect(await read()).toBe('second-secret');
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/ENOENT/);
    expect(warnings.join('\n')).not.toMatch(/secret"|first-secret|second-secret/);
  });

  it('stops without any secret, and with an empty SYNCWAVE_WEBHOOK_SECRET', async () => {
    for (const env of [{}, { SYNCWAVE_WEBHOOK_SECRET: '' }, { SYNCWAVE_WEBHOOK_SECRET: '  ' }]) {
      const r = await serve([], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /no webhook secret: pass --webhook-secret-file FILE or set SYNCWAVE_WEBHOOK_SECRET/,
      );
    }
  });
});

describe('the repository the webhook expects', () => {
  it('is --webhook-repo, else --repo when it is a URL, else none', () => {
    expect(
      expectedWebhookRepo({ repo: 'https://git.example/acme/gitops.git', webhookRepo: 'acme/gitops' }),
    ).toBe('acme/gitops');
    expect(expectedWebhookRepo({ repo: 'https://git.example/acme/gitops.git' })).toBe(
      'https://git.example/acme/gitops.git',
    );
    expect(expectedWebhookRepo({ repo: '/srv/gitops' })).toBeUndefined();
    expect(() => expectedWebhookRepo({ repo: '/srv/gitops', webhookRepo: '../x' })).toThrow(
      /not a repository/,
    );
  });
});
