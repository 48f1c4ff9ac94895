import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads seconds, minutes, hours and days', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('7d')).toBe(604_800_000);
  });

  it('refuses what it cannot read rather than guess', () => {
    for (const text of ['', '30', 'm', '1.5h', '-1h', '1w', '1h30m']) expect(parseDuration(text), text).toBeUndefined();
  });
});
