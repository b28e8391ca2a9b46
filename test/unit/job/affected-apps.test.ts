import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../../../engine/app-spec.ts';
import { affectedApps } from '../../../engine/job/affected-apps.ts';

function app(name: string, path: string, over: Partial<AppSpec> = {}): AppSpec {
  return {
    name,
    path,
    extraPaths: [],
    declaredIn: 'syncwave.yaml',
    helm: { valueFiles: [], values: {}, parameters: [], releaseName: name, skipCrds: false },
  } as unknown as AppSpec & typeof over;
}

describe('affectedApps', () => {
  const apps = [
    app('database', 'apps/database'),
    app('backend', 'apps/backend'),
    app('frontend', 'apps/frontend'),
  ];

  it('maps changed paths to the apps under them', () => {
    expect(affectedApps(apps, ['apps/frontend/values.yaml', 'README.md']).map((a) => a.name)).toEqual([
      'frontend',
    ]);
    expect(affectedApps(apps, ['apps/frontend-old/x.yaml']).map((a) => a.name)).toEqual([]);
  });

  it('touches every app for syncwave.yaml changes or when the push cannot tell', () => {
    expect(affectedApps(apps, ['syncwave.yaml'])).toHaveLength(3);
    expect(affectedApps(apps, 'all')).toHaveLength(3);
  });

  it('follows value files outside the app path and extra paths', () => {
    const web = {
      ...app('web', 'apps/web'),
      extraPaths: ['shared/web'],
      helm: {
        valueFiles: ['../../values/web-prod.yaml'],
        values: {},
        parameters: [],
        releaseName: 'web',
        skipCrds: false,
      },
    } as AppSpec;
    expect(affectedApps([web], ['values/web-prod.yaml'])).toHaveLength(1);
    expect(affectedApps([web], ['shared/web/common.yaml'])).toHaveLength(1);
    expect(affectedApps([web], ['values/other.yaml'])).toHaveLength(0);
  });
});
