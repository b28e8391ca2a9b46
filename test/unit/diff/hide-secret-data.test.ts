import { describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/diff/diff-object.ts';
import { hideSecretData, SECRET_MASK } from '../../../engine/diff/hide-secret-data.ts';
import type { KubeObject } from '../../../engine/model.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function secret(data: Record<string, string>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'backend' },
    type: 'Opaque',
    data,
    ...extra,
  };
}

describe('hideSecretData', () => {
  it('gives equal values the same mask and a changed value a longer one, key by key', () => {
    const [live, desired] = hideSecretData([
      secret({ user: b64('admin'), password: b64('old-pass'), gone: b64('x') }),
      secret({ user: b64('admin'), password: b64('new-pass'), added: b64('y') }),
    ]);
    expect(live?.data).toEqual({ user: SECRET_MASK, password: SECRET_MASK, gone: SECRET_MASK });
    expect(desired?.data).toEqual({ user: SECRET_MASK, password: `${SECRET_MASK}++++`, added: SECRET_MASK });
  });

  it('folds stringData into data before masking, so it compares with what the server stores', () => {
    const [live, desired] = hideSecretData([
      secret({ token: b64('s3cr3t') }),
      secret({}, { stringData: { token: 's3cr3t' } }),
    ]);
    expect(desired).not.toHaveProperty('stringData');
    expect(desired?.data).toEqual(live?.data);
  });

  it('drops a Secret last-applied annotation and leaves other kinds and the inputs untouched', () => {
    const withAnnotation = secret(
      { a: b64('v') },
      {
        metadata: {
          name: 'db',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"a":"dg=="}}',
            keep: 'me',
          },
        },
      },
    );
    const configMap: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'v' },
    };
    const [masked, cm, none] = hideSecretData([withAnnotation, configMap, undefined]);
    expect(masked?.metadata.annotations).toEqual({ keep: 'me' });
    expect(cm).toBe(configMap);
    expect(none).toBeUndefined();
    expect(withAnnotation.data).toEqual({ a: b64('v') });
  });
});

describe('diffObject of a Secret', () => {
  it('shows which key changed, never a value, plain or base64', () => {
    const diff = diffObject(
      secret({ user: b64('admin'), password: b64('hunter2-old') }),
      secret({ user: b64('admin'), password: b64('hunter2-new') }),
    );
    expect(diff.change).toBe('modified');
    expect(diff.paths).toEqual(['data.password']);
    expect(diff.unified).toContain(`-  password: ${SECRET_MASK}++++\n`);
    expect(diff.unified).toContain(`+  password: ${SECRET_MASK}\n`);
    for (const value of ['admin', 'hunter2-old', 'hunter2-new'])
      for (const shown of [value, b64(value)]) expect(diff.unified).not.toContain(shown);
  });

  it('is unchanged when only the representation differs (stringData in Git, data live)', () => {
    const diff = diffObject(secret({ token: b64('same') }), secret({}, { stringData: { token: 'same' } }));
    expect(diff.change).toBe('unchanged');
  });

  it('masks a Secret that would be created or pruned', () => {
    const created = diffObject(undefined, secret({}, { stringData: { key: 'plain-value' } }));
    expect(created.unified).toContain(SECRET_MASK);
    expect(created.unified).not.toMatch(/plain-value|cGxhaW4tdmFsdWU/);
    const pruned = diffObject(secret({ key: b64('plain-value') }), undefined);
    expect(pruned.unified).not.toMatch(/plain-value|cGxhaW4tdmFsdWU/);
  });
});
