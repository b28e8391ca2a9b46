import { describe, expect, it } from 'vitest';
import { pickSource } from '../../../engine/config/argo-sources.ts';

const ref = { repoURL: 'https://git.example.com/acme/gitops.git', targetRevision: 'main', ref: 'values' };

describe('spec.sources', () => {
  it('a chart with $values value files: those become files of this repository', () => {
    const picked = pickSource([
      {
        repoURL: 'https://charts.example.com',
        chart: 'redis',
        helm: { valueFiles: ['values.yaml', '$values/envs/prod.yaml'] },
      },
      ref,
    ]);
    expect(picked).toEqual({
      ok: true,
      branch: 'main',
      source: expect.objectContaining({
        chart: 'redis',
        helm: { valueFiles: ['values.yaml', '$repo/envs/prod.yaml'] },
      }),
    });
  });

  it('a path source with $values value files: relative to the app path', () => {
    const picked = pickSource([{ path: 'apps/web', helm: { valueFiles: ['$values/envs/web.yaml'] } }, ref]);
    expect(picked.ok && picked.source.helm?.valueFiles).toEqual(['../../envs/web.yaml']);
  });

  it.each([
    [[ref], /no source has a path or a chart/],
    [[{ path: 'a' }, { path: 'b' }], /2 sources render manifests/],
    [[{ path: 'a', helm: { valueFiles: ['$other/x.yaml'] } }, ref], /names no source with ref: other/],
    [[{ path: 'a', helm: { valueFiles: ['$values/../../etc/passwd'] } }, ref], /leaves the repository/],
    [
      [
        { path: 'a', helm: { valueFiles: ['$values/x.yaml'] } },
        { repoURL: 'https://c.example.com', chart: 'c', ref: 'values' },
      ],
      /refs must be this repository/,
    ],
  ])('refuses %j', (sources, problem) => {
    const picked = pickSource(sources);
    expect(!picked.ok && picked.problem).toMatch(problem);
  });
});
