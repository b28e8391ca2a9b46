import { describe, expect, it } from 'vitest';
import { clusterErrorFromResponse } from '../../../../adapters/kube/cluster-error-from-response.ts';

const object = 'Deployment/frontend/web';

describe('clusterErrorFromResponse', () => {
  it('names the managers and fields of a server-side apply conflict, and says what to do', () => {
    const error = clusterErrorFromResponse({
      object,
      verb: 'apply',
      status: 409,
      body: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message: 'Apply failed with 2 conflicts: conflict with "kubectl" using apps/v1: .spec.replicas',
        details: {
          causes: [
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "kubectl" using apps/v1',
              field: '.spec.replicas',
            },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "kubectl" using apps/v1',
              field: '.spec.paused',
            },
            {
              reason: 'FieldManagerConflict',
              message: 'conflict with "hpa"',
              field: '.spec.minReadySeconds',
            },
          ],
        },
      },
    });

    expect(error.code).toBe('Conflict');
    expect(error.status).toBe(409);
    expect(error.conflicts).toEqual([
      { manager: 'kubectl', apiVersion: 'apps/v1', field: '.spec.replicas' },
      { manager: 'kubectl', apiVersion: 'apps/v1', field: '.spec.paused' },
      { manager: 'hpa', apiVersion: undefined, field: '.spec.minReadySeconds' },
    ]);
    expect(error.message).toBe(
      'Deployment/frontend/web: apply conflicts with other field managers: ' +
        'conflict with "kubectl" using apps/v1: .spec.replicas, .spec.paused; conflict with "hpa": .spec.minReadySeconds; ' +
        "another field manager owns these fields; set the app's syncOptions Force=true to take them over, or remove them from Git",
    );
  });

  it.each([
    [400, 'Invalid'],
    [422, 'Invalid'],
    [404, 'NotFound'],
    [403, 'Forbidden'],
    [401, 'Unauthorized'],
    [429, 'Unavailable'],
    [503, 'Unavailable'],
    [501, 'Other'],
    [415, 'Other'],
    [409, 'Conflict'],
  ] as const)('maps HTTP %i to %s', (status, code) => {
    const error = clusterErrorFromResponse({
      object,
      verb: 'apply',
      status,
      body: { kind: 'Status', message: 'nope' },
    });

    expect(error.code).toBe(code);
    expect(error.serverMessage).toBe('nope');
    expect(error.message.startsWith(`${object}: `)).toBe(true);
    expect(error.message).toContain('nope');
  });

  it('keeps the server message of an invalid object and tells to fix Git', () => {
    const error = clusterErrorFromResponse({
      object,
      verb: 'apply',
      status: 422,
      body: {
        kind: 'Status',
        reason: 'Invalid',
        message: 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1',
      },
    });

    expect(error.reason).toBe('Invalid');
    expect(error.message).toBe(
      'Deployment/frontend/web: apply rejected as invalid (HTTP 422 Invalid): ' +
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1; fix the manifest in Git',
    );
  });

  it('reads a non-JSON answer as the message', () => {
    const error = clusterErrorFromResponse({
      object,
      verb: 'get',
      status: 502,
      body: 'Bad Gateway\n',
      attempts: 5,
    });

    expect(error.code).toBe('Unavailable');
    expect(error.message).toContain('after 5 attempts): Bad Gateway');
  });
});
