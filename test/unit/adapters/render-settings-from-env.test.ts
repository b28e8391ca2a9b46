import { describe, expect, it } from 'vitest';
import { DestinationCheck } from '../../../adapters/tools/render-network-policy.ts';
import { renderSettingsFromEnv } from '../../../adapters/tools/render-settings-from-env.ts';

describe('renderSettingsFromEnv', () => {
  it('reads the allowed networks and the limits', () => {
    const s = renderSettingsFromEnv({
      SYNCWAVE_RENDER_ALLOW: '127.0.0.1/32, 10.1.0.0/16',
      SYNCWAVE_RENDER_MAX_OBJECTS: '50',
      SYNCWAVE_RENDER_TIMEOUT_SECONDS: '30',
    });

    expect(s).toEqual({
      network: { allow: ['127.0.0.1/32', '10.1.0.0/16'] },
      limits: { maxObjects: 50, toolTimeoutMs: 30_000 },
    });
  });

  it('refuses a limit that is not a positive integer, naming the variable', () => {
    expect(() => renderSettingsFromEnv({ SYNCWAVE_RENDER_MAX_BYTES: '-1' })).toThrow(
      'SYNCWAVE_RENDER_MAX_BYTES=-1: expected a positive integer',
    );
  });
});

describe('DestinationCheck (the render network policy)', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '::ffff:127.0.0.1',
    '10.0.0.1',
    '172.16.5.5',
    '192.168.1.1',
    '169.254.169.254',
    'fe80::1',
    'fd00::1',
    '100.64.0.1',
    '0.0.0.0',
  ])('refuses %s by default', (ip) => {
    expect(new DestinationCheck().allowsAddress(ip)).toBe(false);
  });

  it.each(['8.8.8.8', '140.82.112.3', '2606:4700::1111'])('allows the public address %s', (ip) => {
    expect(new DestinationCheck().allowsAddress(ip)).toBe(true);
  });

  it('allows what the operator allows, and only that', () => {
    const check = new DestinationCheck({ allow: ['127.0.0.1/32'] });

    expect(check.allowsAddress('127.0.0.1')).toBe(true);
    expect(check.allowsAddress('127.0.0.2')).toBe(false);
    expect(check.allowsAddress('169.254.169.254')).toBe(false);
  });

  it('names the URL host it refuses', async () => {
    expect(await new DestinationCheck().refuseUrl('http://localhost:8080/charts')).toMatch(
      /^localhost \(127\.0\.0\.1\) is a loopback, private or link-local destination/,
    );
    expect(await new DestinationCheck().refuseUrl('file://../chart')).toBeUndefined();
  });
});
