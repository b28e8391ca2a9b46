import { describe, expect, it } from 'vitest';
import { currentReplicaSet, podsOfReplicaSet } from '../../../engine/health/current-replica-set.ts';
import { loadHealthFixtures } from './load-fixture.ts';

const [unobserved, observed, badSet, fixSet, badPod, fixPod] = loadHealthFixtures(
  'deployment-rollout-after-failed-revision.yaml',
);
const sets = [badSet!, fixSet!];

describe('currentReplicaSet: the new revision is never judged by an old pod', () => {
  it('names no ReplicaSet while the controller has not observed the new generation', () => {
    // The old (bad image) ReplicaSet has the highest revision at this moment: it must not count.
    expect(currentReplicaSet(unobserved!, sets)).toBeUndefined();
  });

  it('once observed, picks the ReplicaSet of the Deployment revision with the same template', () => {
    expect(currentReplicaSet(observed!, sets)?.metadata.name).toBe('backend-fix');
    expect(currentReplicaSet(observed!, [badSet!])).toBeUndefined();
  });

  it('takes a ReplicaSet pods by ownerReference and pod-template-hash', () => {
    const pods = [badPod!, fixPod!];
    expect(podsOfReplicaSet(fixSet!, pods).map((p) => p.metadata.name)).toEqual(['backend-fix-y1']);
    expect(podsOfReplicaSet(badSet!, pods).map((p) => p.metadata.name)).toEqual(['backend-bad-x1']);
  });
});
