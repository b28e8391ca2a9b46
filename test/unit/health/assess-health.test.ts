import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assessHealth } from '../../../engine/health/assess-health.ts';
import type { HealthCode } from '../../../engine/model.ts';
import { loadHealthFixture } from './load-fixture.ts';

/** [fixture in test/fixtures/health, expected status, substring of the message ('' = any)] */
const cases: Array<[string, HealthCode, string]> = [
  ['deployment-healthy.yaml', 'Healthy', ''],
  [
    'deployment-progressing.yaml',
    'Progressing',
    'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
  ],
  ['deployment-suspended.yaml', 'Suspended', 'Deployment is paused'],
  ['deployment-degraded.yaml', 'Degraded', 'Deployment "web" exceeded its progress deadline'],
  [
    'deployment-generation-not-observed.yaml',
    'Progressing',
    'observed deployment generation less than desired generation',
  ],
  [
    'deployment-rollout-after-failed-revision.yaml',
    'Progressing',
    'observed deployment generation less than desired generation',
  ],
  ['deployment-old-replicas-pending.yaml', 'Progressing', '1 old replicas are pending termination...'],
  ['deployment-unavailable.yaml', 'Progressing', '1 of 3 updated replicas are available...'],
  ['statefulset-healthy.yaml', 'Healthy', 'partitioned roll out complete: 3 new pods have been updated...'],
  [
    'statefulset-partition-progressing.yaml',
    'Progressing',
    'partitioned roll out to finish: 1 out of 2 new pods',
  ],
  ['statefulset-ondelete.yaml', 'Healthy', 'statefulset has 3 ready pods'],
  ['statefulset-not-ready.yaml', 'Progressing', 'Waiting for 2 pods to be ready...'],
  ['statefulset-not-observed.yaml', 'Progressing', 'Waiting for statefulset spec update to be observed...'],
  [
    'statefulset-rolling-update.yaml',
    'Progressing',
    'rolling update to complete 1 pods at revision db-7f8e9d0c1',
  ],
  ['daemonset-healthy.yaml', 'Healthy', ''],
  [
    'daemonset-progressing.yaml',
    'Progressing',
    'daemon set "node-agent" rollout to finish: 1 out of 3 new pods',
  ],
  ['daemonset-ondelete.yaml', 'Healthy', 'daemon set 0 out of 3 new pods have been updated'],
  ['daemonset-unavailable.yaml', 'Progressing', '2 of 3 updated pods are available...'],
  [
    'daemonset-not-observed.yaml',
    'Progressing',
    'observed daemon set generation less than desired generation',
  ],
  ['replicaset-healthy.yaml', 'Healthy', ''],
  ['replicaset-degraded.yaml', 'Degraded', 'exceeded quota: compute'],
  ['replicaset-progressing.yaml', 'Progressing', '1 out of 2 new replicas are available...'],
  ['pod-running-ready.yaml', 'Healthy', ''],
  [
    'pod-imagepullbackoff.yaml',
    'Degraded',
    'container "web": ImagePullBackOff: Back-off pulling image "nginx:does-not-exist"',
  ],
  ['pod-errimagepull.yaml', 'Degraded', 'container "web": ErrImagePull: rpc error'],
  ['pod-crashloop.yaml', 'Degraded', 'container "api": CrashLoopBackOff: back-off 5m0s'],
  [
    'pod-createcontainerconfigerror.yaml',
    'Degraded',
    'container "api": CreateContainerConfigError: secret "api-secrets" not found',
  ],
  ['pod-invalidimagename.yaml', 'Degraded', 'container "api": InvalidImageName'],
  ['pod-init-crashloop.yaml', 'Degraded', 'container "migrate": CrashLoopBackOff'],
  ['pod-running-not-ready.yaml', 'Progressing', ''],
  ['pod-running-not-ready-restarted.yaml', 'Degraded', 'last terminated: OOMKilled (exit code 137)'],
  ['pod-running-restart-never.yaml', 'Progressing', ''],
  ['pod-hook-imagepullbackoff.yaml', 'Progressing', ''],
  ['pod-pending.yaml', 'Progressing', ''],
  ['pod-succeeded.yaml', 'Healthy', ''],
  ['pod-failed.yaml', 'Degraded', 'container "migrate" failed with exit code 1'],
  ['pod-evicted.yaml', 'Degraded', 'The node was low on resource: memory'],
  ['pod-deleting.yaml', 'Progressing', 'Pending deletion'],
  ['job-running.yaml', 'Progressing', ''],
  ['job-failed.yaml', 'Degraded', 'Job has reached the specified backoff limit'],
  ['job-succeeded.yaml', 'Healthy', ''],
  ['job-suspended.yaml', 'Suspended', 'Job suspended'],
  ['job-resumed.yaml', 'Progressing', ''],
  ['pvc-bound.yaml', 'Healthy', ''],
  ['pvc-pending.yaml', 'Progressing', 'bound'],
  ['pvc-lost.yaml', 'Degraded', 'lost'],
  ['svc-clusterip.yaml', 'Healthy', ''],
  ['svc-loadbalancer-unassigned.yaml', 'Progressing', 'load balancer'],
  ['svc-loadbalancer.yaml', 'Healthy', ''],
  ['ingress-unassigned.yaml', 'Progressing', 'address'],
  ['ingress.yaml', 'Healthy', ''],
  ['hpa-v2-healthy.yaml', 'Healthy', 'recommended size matches current size'],
  ['hpa-v2-degraded.yaml', 'Degraded', 'failed to get cpu utilization'],
  ['hpa-v2-progressing.yaml', 'Progressing', 'Waiting to Autoscale'],
  ['hpa-v1-healthy.yaml', 'Healthy', 'recommended size matches current size'],
  ['hpa-v1-progressing-with-no-annotations.yaml', 'Progressing', 'Waiting to Autoscale'],
  ['apiservice-available.yaml', 'Healthy', 'Passed: all checks passed'],
  ['apiservice-unavailable.yaml', 'Progressing', 'FailedDiscoveryCheck: failing or missing response'],
  ['apiservice-unprocessed.yaml', 'Progressing', 'Waiting to be processed'],
  ['crd-established.yaml', 'Healthy', 'CRD is healthy'],
  ['crd-names-not-accepted.yaml', 'Degraded', 'CRD names have not been accepted: "widget" is already in use'],
  ['crd-not-established.yaml', 'Degraded', 'CRD is not established'],
  ['crd-nonstructural.yaml', 'Degraded', 'Schema violations found: spec.validation.openAPIV3Schema.type'],
  ['crd-no-status.yaml', 'Progressing', 'Status conditions not found'],
  ['configmap.yaml', 'Healthy', ''],
  ['custom-ready-true.yaml', 'Healthy', ''],
  ['custom-ready-false.yaml', 'Degraded', 'ACME challenge failed'],
  ['custom-ready-in-progress.yaml', 'Progressing', 'Issuing certificate'],
  ['custom-ready-unknown.yaml', 'Progressing', 'Cluster is being created'],
  ['custom-generation-not-observed.yaml', 'Progressing', 'generation 4 to be observed (observed 3)'],
  ['custom-stalled.yaml', 'Degraded', 'kustomization path not found'],
  ['custom-available-false.yaml', 'Degraded', 'cannot reach the widget backend'],
  ['workflow-failed.yaml', 'Degraded', "child 'build-42-123' failed"],
];

describe('assessHealth', () => {
  it.each(cases)('%s is %s (%s)', (file, status, message) => {
    const health = assessHealth(loadHealthFixture(file));
    expect(health.status).toBe(status);
    if (message) expect(health.message).toContain(message);
  });

  it('has a case for every health fixture', () => {
    const files = readdirSync(new URL('../../fixtures/health/', import.meta.url)).filter(
      (f) => f.endsWith('.yaml') && !f.startsWith('explain-'),
    );
    expect(files.sort()).toEqual(cases.map(([file]) => file).sort());
  });

  it('keeps an Argo CD hook that its own sync is deleting out of "Pending deletion"', () => {
    const pod = loadHealthFixture('pod-deleting.yaml');
    pod.metadata.finalizers = ['argocd.argoproj.io/hook-finalizer'];
    expect(assessHealth(pod)).toEqual({ status: 'Healthy', message: undefined });
  });

  it('reads an absent restartPolicy as Always (the API default)', () => {
    const pod = loadHealthFixture('pod-imagepullbackoff.yaml');
    delete (pod.spec as { restartPolicy?: string }).restartPolicy;
    expect(assessHealth(pod).status).toBe('Degraded');
  });

  it('is Unknown with a message when an autoscaling/v1 conditions annotation is not JSON', () => {
    const hpa = loadHealthFixture('hpa-v1-healthy.yaml');
    hpa.metadata.annotations = { 'autoscaling.alpha.kubernetes.io/conditions': '[{not json' };
    const health = assessHealth(hpa);
    expect(health.status).toBe('Unknown');
    expect(health.message).toContain('conditions annotation');
  });
});
