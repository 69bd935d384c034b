import { describe, expect, it } from 'vitest';
import { fingerprintLabels, fingerprintText } from './fingerprint.js';

describe('fingerprintText', () => {
  it.each([
    // The first 16 hex digits of SHA-256 (FIPS 180-2 test vectors).
    ['', 'e3b0c44298fc1c14'],
    ['abc', 'ba7816bf8f01cfea'],
  ])('%j → %s', (text, expected) => {
    expect(fingerprintText(text)).toBe(expected);
  });

  it('hashes UTF-8 text, so Chinese keys are stable and distinct', () => {
    expect(fingerprintText('数据库宕机')).toBe(fingerprintText('数据库宕机'));
    expect(fingerprintText('数据库宕机')).not.toBe(fingerprintText('数据库恢复'));
    expect(fingerprintText('数据库宕机')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('fingerprintLabels', () => {
  it('is stable across label order', () => {
    const a = fingerprintLabels({ alertname: 'HighCPU', instance: 'web-1', job: 'node' });
    const b = fingerprintLabels({ job: 'node', instance: 'web-1', alertname: 'HighCPU' });
    expect(b).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    ['a changed value', { alertname: 'HighCPU', instance: 'web-2' }],
    ['an extra label', { alertname: 'HighCPU', instance: 'web-1', env: 'prod' }],
    ['a missing label', { alertname: 'HighCPU' }],
    ['a renamed label', { alertname: 'HighCPU', host: 'web-1' }],
  ])('%s changes the fingerprint', (_, labels) => {
    expect(fingerprintLabels(labels)).not.toBe(fingerprintLabels({ alertname: 'HighCPU', instance: 'web-1' }));
  });

  it('does not confuse where a name ends and a value begins', () => {
    expect(fingerprintLabels({ ab: 'c' })).not.toBe(fingerprintLabels({ a: 'bc' }));
    expect(fingerprintLabels({ a: 'b', c: 'd' })).not.toBe(fingerprintLabels({ a: 'bc', '': 'd' }));
  });

  it('an empty value differs from a missing label; no labels at all is still a fingerprint', () => {
    expect(fingerprintLabels({ a: 'x', b: '' })).not.toBe(fingerprintLabels({ a: 'x' }));
    expect(fingerprintLabels({})).toBe(fingerprintText(''));
  });
});
