import { describe, expect, it } from 'vitest';
import type { KustomizeSource } from '../../../engine/app-spec.ts';
import { envsubst } from '../../../engine/render/envsubst.ts';
import { editKustomization } from '../../../engine/render/kustomize-edits.ts';

const none: KustomizeSource = {
  images: [],
  commonLabels: {},
  commonAnnotations: {},
  forceCommonLabels: false,
  forceCommonAnnotations: false,
  labelWithoutSelector: false,
  labelIncludeTemplates: false,
  commonAnnotationsEnvsubst: false,
  patches: [],
  replicas: [],
  components: [],
  ignoreMissingComponents: false,
};
const vars = { ARGOCD_APP_NAME: 'api', ARGOCD_APP_REVISION: 'abc1234def' };
const edit = (k: Record<string, unknown>, over: Partial<KustomizeSource>, components: string[] = []) =>
  editKustomization(k, { ...none, ...over }, { vars, components });

describe('editKustomization (kustomize edit semantics)', () => {
  it('replaces namePrefix, nameSuffix and namespace', () => {
    expect(
      edit({ namePrefix: 'old-', namespace: 'a' }, { namePrefix: 'p-', nameSuffix: '-s', namespace: 'b' }),
    ).toEqual({
      ok: true,
      kustomization: { namePrefix: 'p-', nameSuffix: '-s', namespace: 'b' },
    });
  });

  it.each([
    ['nginx:1.27', { name: 'nginx', newTag: '1.27' }],
    [
      'nginx=registry.local:5000/nginx:1.27',
      { name: 'nginx', newName: 'registry.local:5000/nginx', newTag: '1.27' },
    ],
    ['nginx@sha256:abc', { name: 'nginx', digest: 'sha256:abc' }],
    ['nginx=mirror/nginx', { name: 'nginx', newName: 'mirror/nginx' }],
    [
      'nginx=mirror/nginx:1.2@sha256:abc',
      { name: 'nginx', newName: 'mirror/nginx', newTag: '1.2', digest: 'sha256:abc' },
    ],
    ['api=example/api:${ARGOCD_APP_REVISION}', { name: 'api', newName: 'example/api', newTag: 'abc1234def' }],
  ])('images: %s', (arg, image) => {
    expect(edit({}, { images: [arg] })).toEqual({ ok: true, kustomization: { images: [image] } });
  });

  it('images: upserts by name, keeps the others, * keeps a field, sorted by name', () => {
    const k = {
      images: [
        { name: 'zeta', newTag: '1' },
        { name: 'api', newName: 'mirror/api', newTag: '1.0' },
      ],
    };
    expect(edit(k, { images: ['api=*:2.0', 'beta:3'] })).toEqual({
      ok: true,
      kustomization: {
        images: [
          { name: 'api', newName: 'mirror/api', newTag: '2.0' },
          { name: 'beta', newTag: '3' },
          { name: 'zeta', newTag: '1' },
        ],
      },
    });
  });

  it('images: a bare name is refused as kustomize refuses it', () => {
    const res = edit({}, { images: ['nginx'] });
    expect(!res.ok && res.detail).toMatch(/^spec\.source\.kustomize\.images: "nginx" is not an image edit/);
  });

  it('replicas: upserted by name, sorted', () => {
    expect(
      edit(
        {
          replicas: [
            { name: 'web', count: 1 },
            { name: 'api', count: 1 },
          ],
        },
        { replicas: [{ name: 'web', count: 4 }] },
      ),
    ).toEqual({
      ok: true,
      kustomization: {
        replicas: [
          { name: 'api', count: 1 },
          { name: 'web', count: 4 },
        ],
      },
    });
  });

  it('commonLabels: added; one already set fails unless forceCommonLabels', () => {
    expect(edit({ commonLabels: { a: '1' } }, { commonLabels: { b: '${ARGOCD_APP_NAME}' } })).toEqual({
      ok: true,
      kustomization: { commonLabels: { a: '1', b: 'api' } },
    });
    const clash = edit({ commonLabels: { a: '1' } }, { commonLabels: { a: '2' } });
    expect(!clash.ok && clash.detail).toBe(
      'spec.source.kustomize.commonLabels: label a is already set in the kustomization; set forceCommonLabels: true to override it',
    );
    expect(
      edit({ commonLabels: { a: '1' } }, { commonLabels: { a: '2' }, forceCommonLabels: true }),
    ).toMatchObject({
      ok: true,
      kustomization: { commonLabels: { a: '2' } },
    });
  });

  it('commonLabels with labelWithoutSelector go to labels:, in templates when asked', () => {
    expect(
      edit({}, { commonLabels: { team: 'x' }, labelWithoutSelector: true, labelIncludeTemplates: true }),
    ).toEqual({
      ok: true,
      kustomization: { labels: [{ pairs: { team: 'x' }, includeTemplates: true }] },
    });
  });

  it('commonAnnotations: substituted only with commonAnnotationsEnvsubst', () => {
    expect(edit({}, { commonAnnotations: { rev: '$ARGOCD_APP_REVISION' } })).toMatchObject({
      kustomization: { commonAnnotations: { rev: '$ARGOCD_APP_REVISION' } },
    });
    expect(
      edit({}, { commonAnnotations: { rev: '$ARGOCD_APP_REVISION' }, commonAnnotationsEnvsubst: true }),
    ).toMatchObject({
      kustomization: { commonAnnotations: { rev: 'abc1234def' } },
    });
  });

  it('patches are appended; components added once; an invalid namespace is refused', () => {
    const patch = { target: { kind: 'Deployment' }, patch: '- op: remove\n  path: /spec/replicas' };
    expect(
      edit({ patches: [{ path: 'p.yaml' }], components: ['../c'] }, { patches: [patch] }, ['../c', '../d']),
    ).toEqual({
      ok: true,
      kustomization: { patches: [{ path: 'p.yaml' }, patch], components: ['../c', '../d'] },
    });
    const bad = edit({}, { namespace: 'Not_A_Namespace' });
    expect(!bad.ok && bad.detail).toMatch(/namespace: "Not_A_Namespace" is not a valid namespace name/);
  });

  it('leaves its input alone', () => {
    const k = { images: [{ name: 'a', newTag: '1' }] };
    edit(k, { images: ['a:2'], namePrefix: 'x-' });
    expect(k).toEqual({ images: [{ name: 'a', newTag: '1' }] });
  });
});

describe('envsubst (Go os.Expand, as Argo CD)', () => {
  it.each([
    ['${ARGOCD_APP_NAME}-x', 'api-x'],
    ['$ARGOCD_APP_NAME/x', 'api/x'],
    ['$$ARGOCD_APP_NAME', '$ARGOCD_APP_NAME'],
    ['${UNKNOWN}x', 'x'],
    ['a${}b', 'ab'],
    ['a${b', 'ab'],
    ['$1abc', 'abc'],
    ['cost: 5$', 'cost: 5$'],
    ['${constructor}', ''],
  ])('%s -> %s', (text, out) => {
    expect(envsubst(text, vars)).toBe(out);
  });
});
