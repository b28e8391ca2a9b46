import { describe, expect, it } from 'vitest';
import { isWorse, worstHealth } from '../../../engine/health/worst-health.ts';
import type { Health, HealthCode } from '../../../engine/model.ts';

describe('worstHealth', () => {
  it.each<[HealthCode[], HealthCode]>([
    [[], 'Healthy'],
    [['Healthy', 'Healthy'], 'Healthy'],
    [['Healthy', 'Suspended'], 'Suspended'],
    [['Suspended', 'Progressing', 'Healthy'], 'Progressing'],
    [['Progressing', 'Missing'], 'Missing'],
    [['Missing', 'Degraded', 'Progressing'], 'Degraded'],
    [['Degraded', 'Unknown', 'Healthy'], 'Unknown'],
  ])('of %j is %s (Argo CD order)', (codes, worst) => {
    expect(worstHealth(codes.map((status) => ({ status }))).status).toBe(worst);
  });

  it('keeps the message of the first of the worst', () => {
    const list: Health[] = [
      { status: 'Progressing', message: 'a' },
      { status: 'Degraded', message: 'first degraded' },
      { status: 'Degraded', message: 'second degraded' },
    ];
    expect(worstHealth(list)).toEqual({ status: 'Degraded', message: 'first degraded' });
  });

  it('tells worse from better and equal', () => {
    expect(isWorse('Healthy', 'Unknown')).toBe(true);
    expect(isWorse('Degraded', 'Missing')).toBe(false);
    expect(isWorse('Progressing', 'Progressing')).toBe(false);
  });
});
