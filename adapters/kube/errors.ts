/**
 * Errors of the Kubernetes adapter: the Cluster port's typed error, owned by the engine
 * (engine/cluster-error.ts), so the engine and every adapter classify a refusal the same way.
 */
export {
  ClusterError,
  type ClusterErrorCode,
  type ClusterErrorInit,
  type FieldConflict,
  isClusterError,
} from '../../engine/index.ts';
