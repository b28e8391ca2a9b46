import type { Health, KubeObject } from '../model.ts';

/** Argo CD's Argo Workflow health (gitops-engine health_argo.go): by status.phase. */
export function argoWorkflowHealth(workflow: KubeObject): Health {
  const status = (workflow.status ?? {}) as { phase?: string; message?: string };
  const message = status.message || undefined;
  switch (status.phase ?? '') {
    case '':
    case 'Pending':
    case 'Running':
      return { status: 'Progressing', message };
    case 'Succeeded':
      return { status: 'Healthy', message };
    case 'Failed':
    case 'Error':
      return { status: 'Degraded', message };
    default:
      return { status: 'Unknown', message };
  }
}
