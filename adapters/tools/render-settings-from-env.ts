import type { RenderLimits } from '../../engine/index.ts';
import type { RenderNetworkPolicy } from './render-network-policy.ts';

/**
 * The operator's render settings from the worker's environment (never from the repository):
 * `SYNCWAVE_RENDER_ALLOW` (comma-separated CIDRs or addresses renders may reach although they
 * are loopback, private or link-local), and the limits `SYNCWAVE_RENDER_MAX_FILE_BYTES`,
 * `SYNCWAVE_RENDER_MAX_BYTES`, `SYNCWAVE_RENDER_MAX_OBJECTS`, `SYNCWAVE_RENDER_TIMEOUT_SECONDS`,
 * `SYNCWAVE_RENDER_MAX_CHART_BYTES`.
 * A value that is not a positive integer is an error naming the variable.
 */
export function renderSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  network: RenderNetworkPolicy;
  limits: Partial<RenderLimits>;
} {
  const allow = (env.SYNCWAVE_RENDER_ALLOW ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const limits: Partial<RenderLimits> = {};
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name}=${raw}: expected a positive integer`);
    return n;
  };
  const fileBytes = int('SYNCWAVE_RENDER_MAX_FILE_BYTES');
  const renderedBytes = int('SYNCWAVE_RENDER_MAX_BYTES');
  const objects = int('SYNCWAVE_RENDER_MAX_OBJECTS');
  const timeout = int('SYNCWAVE_RENDER_TIMEOUT_SECONDS');
  const chartBytes = int('SYNCWAVE_RENDER_MAX_CHART_BYTES');
  if (fileBytes) limits.maxFileBytes = fileBytes;
  if (renderedBytes) limits.maxRenderedBytes = renderedBytes;
  if (objects) limits.maxObjects = objects;
  if (timeout) limits.toolTimeoutMs = timeout * 1000;
  if (chartBytes) limits.maxChartBytes = chartBytes;
  return { network: { allow }, limits };
}
