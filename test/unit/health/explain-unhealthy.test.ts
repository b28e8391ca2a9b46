import { describe, expect, it } from 'vitest';
import { explainUnhealthy } from '../../../engine/health/explain-unhealthy.ts';
import type { KubeObject } from '../../../engine/model.ts';
import { loadHealthFixture, loadHealthFixtures } from './load-fixture.ts';

function related(file: string) {
  const docs = loadHealthFixtures(file);
  const [obj] = docs as [KubeObject];
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  return { obj, replicaSets: of('ReplicaSet'), pods: of('Pod'), events: of('Event') };
}

describe('explainUnhealthy', () => {
  it('follows a Deployment to its newest ReplicaSet, its pod, the image pull error and the newest Warning events', () => {
    const { obj, ...rest } = related('explain-deployment-imagepull.yaml');

    const lines = explainUnhealthy(obj, rest);

    expect(lines).toEqual([
      'Deployment/frontend/web: Progressing: Waiting for rollout to finish: 1 out of 2 new replicas have been updated...',
      'ReplicaSet/web-new222 (revision 2): 0 of 1 replicas available',
      'Pod/web-new222-bbbbb: container "web" ImagePullBackOff: Back-off pulling image "nginx:does-not-exist"',
      'Warning Failed Pod/web-new222-bbbbb: Error: ImagePullBackOff (x9)',
      'Warning Failed Pod/web-new222-bbbbb: Failed to pull image "nginx:does-not-exist": not found (x4)',
      'Warning FailedCreate ReplicaSet/web-new222: Error creating: pods "web-new222-ccccc" is forbidden: exceeded quota',
      'Warning Failed Pod/web-new222-bbbbb: Old warning 1',
      'Warning Failed Pod/web-new222-bbbbb: Old warning 2',
    ]);
  });

  it('names the crash-looping container with its restart count and last termination, and failing readiness', () => {
    const { obj, ...rest } = related('explain-statefulset-crashloop.yaml');

    const lines = explainUnhealthy(obj, rest);

    expect(lines).toEqual([
      'StatefulSet/data/db: Progressing: Waiting for 2 pods to be ready...',
      'Pod/db-0: container "postgres" CrashLoopBackOff (restarted 6 times, last terminated: Error (exit code 1)): back-off 2m40s restarting failed container=postgres pod=db-0_data',
      'Pod/db-1: not ready: containers with unready status: [postgres]',
      'Warning Unhealthy Pod/db-1: Readiness probe failed: connection refused (x12)',
    ]);
  });

  it('limits pods and events as asked', () => {
    const { obj, ...rest } = related('explain-statefulset-crashloop.yaml');

    const lines = explainUnhealthy(obj, rest, { maxPods: 1, maxEvents: 0 });

    expect(lines.slice(1)).toEqual([
      expect.stringContaining('Pod/db-0: container "postgres" CrashLoopBackOff'),
      '... and 1 more pods with problems',
    ]);
  });

  it('explains a lone pod from its own container states', () => {
    const pod = loadHealthFixture('pod-createcontainerconfigerror.yaml');

    expect(explainUnhealthy(pod)).toEqual([
      'Pod/backend/api-5f6g7h8j9-zxcvb: Degraded: container "api": CreateContainerConfigError: secret "api-secrets" not found',
      'Pod/api-5f6g7h8j9-zxcvb: container "api" CreateContainerConfigError: secret "api-secrets" not found',
    ]);
  });

  it('says why a pod is not scheduled', () => {
    expect(explainUnhealthy(loadHealthFixture('pod-pending.yaml'))).toContain(
      'Pod/web-7d9f8b6c5d-abcde: not scheduled: 0/3 nodes are available: 3 Insufficient memory.',
    );
  });

  it('has nothing to say about a healthy object without related trouble', () => {
    expect(explainUnhealthy(loadHealthFixture('deployment-healthy.yaml'), {})).toEqual([]);
  });
});
