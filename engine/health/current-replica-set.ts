import type { KubeObject } from '../model.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const HASH = 'pod-template-hash';

interface WithTemplate {
  template?: { metadata?: { labels?: Record<string, string> } };
}

/** The RS's pod template without the label the controller adds (the controller's EqualIgnoreHash). */
function templateWithoutHash(rs: KubeObject): string {
  const template = structuredClone((rs.spec as WithTemplate | undefined)?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[HASH];
  return JSON.stringify(template);
}

/**
 * The ReplicaSet of a Deployment's current revision, as the deployment controller sees it:
 * owned by the Deployment (ownerReferences), carrying the Deployment's revision annotation and
 * its very pod template. Undefined while the controller has not yet observed the Deployment's
 * latest generation (the new ReplicaSet may not exist yet): then no pod is the new revision's,
 * and an old ReplicaSet's failing pods must not be taken for the new revision's.
 */
export function currentReplicaSet(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
): KubeObject | undefined {
  const observed =
    (deployment.status as { observedGeneration?: number } | undefined)?.observedGeneration ?? 0;
  if ((deployment.metadata.generation ?? 0) > observed) return undefined;
  const uid = deployment.metadata.uid;
  const revision = deployment.metadata.annotations?.[REVISION];
  const template = JSON.stringify((deployment.spec as WithTemplate | undefined)?.template ?? {});
  return replicaSets.find(
    (rs) =>
      !!uid &&
      (rs.metadata.ownerReferences ?? []).some((o) => o.uid === uid && o.controller !== false) &&
      (revision === undefined || rs.metadata.annotations?.[REVISION] === revision) &&
      templateWithoutHash(rs) === template,
  );
}

/** The pods of a ReplicaSet: owned by it and labelled with its pod-template-hash. */
export function podsOfReplicaSet(rs: KubeObject, pods: readonly KubeObject[]): KubeObject[] {
  const hash = rs.metadata.labels?.[HASH];
  return pods.filter(
    (p) =>
      (p.metadata.ownerReferences ?? []).some((o) => o.uid === rs.metadata.uid) &&
      (hash === undefined || p.metadata.labels?.[HASH] === hash),
  );
}
