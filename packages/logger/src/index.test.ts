import { describe, expect, it } from 'vitest';
import { createLogger } from './index.ts';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(s) } };
}

describe('createLogger', () => {
  it('never writes an API key, password or Authorization header', () => {
    const out = capture();
    const log = createLogger('test', { destination: out.destination });
    log.info({ req: { headers: { authorization: 'Bearer sp_live_secret' } } }, 'request');
    log.info({ cluster: { password: 'hunter2' }, apiKey: 'sp_key_value' }, 'created');
    const text = out.lines.join('');
    expect(text).not.toContain('sp_live_secret');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('sp_key_value');
    expect(text).toContain('[redacted]');
  });
});
