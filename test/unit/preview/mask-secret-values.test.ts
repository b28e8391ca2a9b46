import { describe, expect, it } from 'vitest';
import { diffObject } from '../../../engine/diff/diff-object.ts';
import type { KubeObject } from '../../../engine/model.ts';
import { HIDDEN, maskSecretValues } from '../../../engine/preview/mask-secret-values.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (data: Record<string, string>, stringData?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'app' },
  type: 'Opaque',
  data,
  ...(stringData ? { stringData } : {}),
});

describe('maskSecretValues', () => {
  it('a changed value shows its key as changed and neither value', () => {
    const live = secret({ password: b64('hunter2'), user: b64('admin') });
    const desired = secret({ password: b64('correct-horse'), user: b64('admin') });
    const m = maskSecretValues(live, desired);
    const diff = diffObject(m.live, m.desired);
    expect(diff.change).toBe('modified');
    expect(diff.paths).toEqual(['data.password']);
    expect(diff.unified).toContain(`-  password: ${HIDDEN}++++\n`);
    expect(diff.unified).toContain(`+  password: ${HIDDEN}\n`);
    for (const value of [
      'hunter2',
      'correct-horse',
      'admin',
      b64('hunter2'),
      b64('correct-horse'),
      b64('admin'),
    ])
      expect(diff.unified).not.toContain(value);
  });

  it('an unchanged Secret stays unchanged, a new one shows its keys only', () => {
    const s = secret({ token: b64('t0k3n') });
    expect(diffObject(maskSecretValues(s, s).live, maskSecretValues(s, s).desired).change).toBe('unchanged');
    const created = maskSecretValues(undefined, secret({}, { token: 'plain-token' }));
    const diff = diffObject(undefined, created.desired);
    expect(diff.unified).toContain(`token: ${HIDDEN}`);
    expect(diff.unified).not.toContain('plain-token');
  });

  it('stringData is compared in its base64 form: the same value is not a change', () => {
    const m = maskSecretValues(secret({ token: b64('same') }), secret({}, { token: 'same' }));
    expect(m.desired?.stringData).toBeUndefined();
    expect(m.desired?.data).toEqual({ token: HIDDEN });
    expect(m.live?.data).toEqual({ token: HIDDEN });
  });

  it('other kinds pass unchanged', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'visible' },
    };
    expect(maskSecretValues(cm, cm).desired).toBe(cm);
  });
});
