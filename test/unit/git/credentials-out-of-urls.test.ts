// Credentials never travel in URLs: taken out of --repo at parse time, read from a file or the
// environment, and scrubbed out of any text that leaves syncwave.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { credentialsFromFile, resolveGitCredentials } from '../../../adapters/git/git-auth.ts';
import { splitRepoUrl } from '../../../adapters/git/repo-url.ts';
import { MemoryStateStore } from '../../../adapters/local/memory-state-store.ts';
import { scrubbingReads } from '../../../cli/serve/scrubbing-reads.ts';
import { redactUrl } from '../../../engine/redact-url.ts';
import { createScrubber } from '../../../engine/scrub-secrets.ts';

const tmp = mkdtempSync(join(tmpdir(), 'syncwave-creds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('splitRepoUrl', () => {
  it('takes user:token out of an https URL', () => {
    expect(splitRepoUrl('https://bot:ghp_secret123@github.com/acme/gitops.git')).toEqual({
      repo: 'https://github.com/acme/gitops.git',
      credentials: { username: 'bot', token: 'ghp_secret123' },
    });
  });

  it('takes a lone token (https://TOKEN@host) as the token, and decodes escapes', () => {
    expect(splitRepoUrl('http://tok%40en@127.0.0.1:3000/r.git')).toEqual({
      repo: 'http://127.0.0.1:3000/r.git',
      credentials: { username: 'x-access-token', token: 'tok@en' },
    });
  });

  it('leaves URLs without userinfo and local paths as they are', () => {
    expect(splitRepoUrl('https://github.com/acme/gitops.git')).toEqual({
      repo: 'https://github.com/acme/gitops.git',
    });
    expect(splitRepoUrl('/srv/git/user:pass@x')).toEqual({ repo: '/srv/git/user:pass@x' });
  });
});

describe('git credentials', () => {
  it('come from the file first, then SYNCWAVE_GIT_TOKEN, then the URL', () => {
    const file = join(tmp, 'creds');
    writeFileSync(file, 'deploy-bot:from-file\n');
    const fromUrl = { username: 'u', token: 'from-url' };
    const env = { SYNCWAVE_GIT_TOKEN: 'from-env' };
    expect(resolveGitCredentials({ file, env, fromUrl })).toEqual({
      username: 'deploy-bot',
      token: 'from-file',
    });
    expect(
      resolveGitCredentials({ env: { ...env, SYNCWAVE_GIT_CREDENTIALS_FILE: file }, fromUrl })?.token,
    ).toBe('from-file');
    expect(resolveGitCredentials({ env, fromUrl })).toEqual({
      username: 'x-access-token',
      token: 'from-env',
    });
    expect(resolveGitCredentials({ env: {}, fromUrl })).toBe(fromUrl);
    expect(resolveGitCredentials({ env: {} })).toBeUndefined();
  });

  it('a token-only file, and an empty or missing file is an error naming the file but not its content', () => {
    const only = join(tmp, 'only');
    writeFileSync(only, 'just-a-token\n');
    expect(credentialsFromFile(only)).toEqual({ username: 'x-access-token', token: 'just-a-token' });
    const empty = join(tmp, 'empty');
    writeFileSync(empty, '\n');
    expect(() => credentialsFromFile(empty)).toThrow(`${empty}: the git credentials file is empty`);
    expect(() => credentialsFromFile(join(tmp, 'missing'))).toThrow(
      /missing: cannot read the git credentials \(ENOENT\)/,
    );
  });
});

describe('scrubbing', () => {
  it('redactUrl removes userinfo from every URL in a text, and only that', () => {
    expect(redactUrl('clone https://u:t0ken@git.example/a.git failed; see http://x.example/@docs')).toBe(
      'clone https://git.example/a.git failed; see http://x.example/@docs',
    );
    expect(redactUrl('{"a":"http://h/x","b":"c@d"}')).toBe('{"a":"http://h/x","b":"c@d"}');
  });

  it('createScrubber replaces known values plain and base64, reading them at each call', () => {
    let secret = 'webhook-secret-1';
    const scrub = createScrubber(() => ['ghp_gittoken', secret, undefined, 'abc']);
    expect(scrub('token ghp_gittoken, base64 Z2hwX2dpdHRva2Vu, secret webhook-secret-1, short abc')).toBe(
      'token ++++++++, base64 ++++++++, secret ++++++++, short abc',
    );
    secret = 'rotated-secret-2';
    expect(scrub('rotated-secret-2 webhook-secret-1')).toBe('++++++++ webhook-secret-1');
  });

  it('the API reads history and operation messages scrubbed, and writes them untouched', async () => {
    const state = new MemoryStateStore();
    const scrub = createScrubber(() => ['ghp_gittoken']);
    const api = scrubbingReads(state, scrub);
    await api.appendHistory(
      {
        env: 'dev',
        app: 'web',
        revision: 'r',
        initiator: 'push',
        startedAt: 'now',
        finishedAt: 'now',
        phase: 'Failed',
        message: 'helm: fetching https://x:ghp_gittoken@charts.example failed (ghp_gittoken)',
        health: { status: 'Unknown' },
        resources: [],
      },
      5,
    );
    expect((await api.listHistory('dev', 'web'))[0]?.message).toBe(
      'helm: fetching https://charts.example failed (++++++++)',
    );
    expect((await state.listHistory('dev', 'web'))[0]?.message).toContain('ghp_gittoken');
  });
});
