import type { Health, KubeObject } from '../model.ts';
import { conditionsOf } from './find-condition.ts';

/** Argo CD's built-in CRD health (resource_customizations/apiextensions.k8s.io/CustomResourceDefinition). */
export function customResourceDefinitionHealth(crd: KubeObject): Health {
  if (crd.metadata.deletionTimestamp) return { status: 'Progressing', message: 'CRD is terminating' };
  const conditions = conditionsOf(crd);
  if (conditions.length === 0) return { status: 'Progressing', message: 'Status conditions not found' };
  const is = (type: string, status: string) => conditions.find((c) => c.type === type && c.status === status);
  const terminating = is('Terminating', 'True');
  if (terminating)
    return { status: 'Progressing', message: `CRD is terminating: ${terminating.message ?? ''}` };
  const namesRejected = is('NamesAccepted', 'False');
  if (namesRejected) {
    return {
      status: 'Degraded',
      message: `CRD names have not been accepted: ${namesRejected.message ?? ''}`,
    };
  }
  if (!is('Established', 'True')) return { status: 'Degraded', message: 'CRD is not established' };
  const violations = is('NonStructuralSchema', 'True');
  if (violations)
    return { status: 'Degraded', message: `Schema violations found: ${violations.message ?? ''}` };
  return { status: 'Healthy', message: 'CRD is healthy' };
}
