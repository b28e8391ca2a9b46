import type { Health, KubeObject } from '../model.ts';
import { groupOf } from '../object-key.ts';
import { apiServiceHealth } from './api-service-health.ts';
import { argoWorkflowHealth } from './argo-workflow-health.ts';
import { customResourceDefinitionHealth } from './custom-resource-definition-health.ts';
import { daemonSetHealth } from './daemon-set-health.ts';
import { deploymentHealth } from './deployment-health.ts';
import { genericHealth } from './generic-health.ts';
import { horizontalPodAutoscalerHealth } from './horizontal-pod-autoscaler-health.ts';
import { ingressHealth } from './ingress-health.ts';
import { jobHealth } from './job-health.ts';
import { persistentVolumeClaimHealth } from './persistent-volume-claim-health.ts';
import { podHealth } from './pod-health.ts';
import { replicaSetHealth } from './replica-set-health.ts';
import { serviceHealth } from './service-health.ts';
import { statefulSetHealth } from './stateful-set-health.ts';

type HealthCheck = (obj: KubeObject) => Health;

/** Argo CD's hook finalizer: a hook being deleted by its own sync is not "pending deletion". */
const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

/** The built-in rule for a group and kind (gitops-engine GetHealthCheckFunc), else the generic one. */
export function healthCheckFor(group: string, kind: string): HealthCheck {
  switch (`${group}/${kind}`) {
    case 'apps/Deployment':
      return deploymentHealth;
    case 'apps/StatefulSet':
      return statefulSetHealth;
    case 'apps/ReplicaSet':
      return replicaSetHealth;
    case 'apps/DaemonSet':
      return daemonSetHealth;
    case 'extensions/Ingress':
    case 'networking.k8s.io/Ingress':
      return ingressHealth;
    case 'argoproj.io/Workflow':
      return argoWorkflowHealth;
    case 'apiregistration.k8s.io/APIService':
      return apiServiceHealth;
    case 'apiextensions.k8s.io/CustomResourceDefinition':
      return customResourceDefinitionHealth;
    case '/Service':
      return serviceHealth;
    case '/PersistentVolumeClaim':
      return persistentVolumeClaimHealth;
    case '/Pod':
      return podHealth;
    case 'batch/Job':
      return jobHealth;
    case 'autoscaling/HorizontalPodAutoscaler':
      return horizontalPodAutoscalerHealth;
    default:
      return genericHealth;
  }
}

/**
 * Health of one live object, with Argo CD's rules per kind (gitops-engine pkg/health). An
 * object being deleted is Progressing ("Pending deletion"). Every kind gets a health: a kind
 * with no rule and no status (ConfigMap, Secret, Role...) is Healthy because it exists, so the
 * result is never undefined (the `| undefined` in callers' types is harmless).
 * `ctx` is accepted for callers that have related pods/events; the verdict does not use them
 * (explainUnhealthy does).
 */
export function assessHealth(obj: KubeObject, _ctx?: { pods?: KubeObject[]; events?: KubeObject[] }): Health {
  const finalizers = (obj.metadata.finalizers ?? []) as string[];
  if (obj.metadata.deletionTimestamp && !finalizers.includes(HOOK_FINALIZER)) {
    return { status: 'Progressing', message: 'Pending deletion' };
  }
  try {
    return healthCheckFor(groupOf(obj.apiVersion), obj.kind)(obj);
  } catch (error) {
    return {
      status: 'Unknown',
      message: `${obj.kind}/${obj.metadata.name}: cannot assess health: ${(error as Error).message}`,
    };
  }
}
