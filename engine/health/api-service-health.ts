import type { Health, KubeObject } from '../model.ts';
import { findCondition } from './find-condition.ts';

/** Argo CD's APIService health (gitops-engine health_apiservice.go): the Available condition. */
export function apiServiceHealth(apiService: KubeObject): Health {
  const available = findCondition(apiService, 'Available');
  if (!available) return { status: 'Progressing', message: 'Waiting to be processed' };
  const message = `${available.reason ?? ''}: ${available.message ?? ''}`;
  return { status: available.status === 'True' ? 'Healthy' : 'Progressing', message };
}
