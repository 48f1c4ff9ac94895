import { describe, expect, it } from 'vitest';
import { UNKNOWN, decodeValue, encodeValue, type CtyType } from './values.ts';

const type: CtyType = ['object', { id: 'string', n: 'number', tags: ['map', 'string'], list: ['list', ['object', { host: 'string' }]] }];

describe('msgpack values', () => {
  it('encodes unknown as fixext 1, type 0 (go-cty\'s unknown)', () => {
    expect(encodeValue('string', UNKNOWN).toString('hex')).toBe('d40000');
    expect(encodeValue('string', null).toString('hex')).toBe('c0');
  });

  it('writes every attribute of an object, null when missing', () => {
    const v = decodeValue(type, { msgpack: encodeValue(type, { id: 'x' }) });
    expect(v).toEqual({ id: 'x', n: null, tags: null, list: null });
  });

  it('round-trips known and unknown values', () => {
    const value = { id: UNKNOWN, n: 3, tags: { a: 'b' }, list: [{ host: 'h' }] };
    expect(decodeValue(type, { msgpack: encodeValue(type, value) })).toEqual(value);
  });

  it('reads a refined unknown (ext 12) as unknown', () => {
    expect(decodeValue('string', { msgpack: Buffer.from('c7100c' + '00'.repeat(16), 'hex') })).toBe(UNKNOWN);
  });

  it('reads JSON state, numbers given as strings included', () => {
    expect(decodeValue(type, { json: Buffer.from('{"id":"a","n":"5"}') })).toEqual({ id: 'a', n: 5, tags: null, list: null });
  });
});
