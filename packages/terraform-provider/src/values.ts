import { ExtensionCodec, decode, encode } from '@msgpack/msgpack';

/**
 * Terraform values on the wire (DynamicValue): msgpack shaped by the schema's cty types, with
 * unknown ("known after apply") as a msgpack extension. Objects must carry every attribute.
 */

export type CtyType = 'string' | 'number' | 'bool' | ['list' | 'set' | 'map', CtyType] | ['object', Record<string, CtyType>];

/** The one unknown value. Terraform sends ext 0, or ext 12 for a refined unknown: both land here. */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;
export type TfValue = null | Unknown | string | number | boolean | TfValue[] | { [k: string]: TfValue };

const extensions = new ExtensionCodec();
extensions.register({ type: 0, encode: (v) => (v === UNKNOWN ? new Uint8Array([0]) : null), decode: () => UNKNOWN });
extensions.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

export const isUnknown = (v: unknown): v is Unknown => v === UNKNOWN;

/** True when no part of the value is unknown. */
export function wholeKnown(v: unknown): boolean {
  if (v === UNKNOWN) return false;
  if (Array.isArray(v)) return v.every(wholeKnown);
  if (v && typeof v === 'object') return Object.values(v).every(wholeKnown);
  return true;
}

/** A value reshaped to a type: every object attribute present (null when missing), numbers as numbers. */
export function conform(type: CtyType, v: unknown): TfValue {
  if (v === null || v === undefined) return null;
  if (v === UNKNOWN) return UNKNOWN;
  if (type === 'string') return typeof v === 'string' ? v : String(v);
  if (type === 'number') return typeof v === 'number' ? v : Number(v);
  if (type === 'bool') return typeof v === 'boolean' ? v : v === 'true';
  const [kind, inner] = type;
  if (kind === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.entries(inner).map(([k, t]) => [k, conform(t, o[k])]));
  }
  if (kind === 'map') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, w]) => [k, conform(inner, w)]));
  return (v as unknown[]).map((w) => conform(inner, w));
}

export function encodeValue(type: CtyType, v: unknown): Buffer {
  const bytes = encode(conform(type, v), { extensionCodec: extensions });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A DynamicValue's content; an absent DynamicValue (or an empty one) is null. */
export function decodeValue(type: CtyType, dv: { msgpack?: Buffer | Uint8Array; json?: Buffer | Uint8Array } | null | undefined): TfValue {
  if (dv?.msgpack && dv.msgpack.length > 0) return conform(type, decode(dv.msgpack, { extensionCodec: extensions }));
  if (dv?.json && dv.json.length > 0) return conform(type, JSON.parse(Buffer.from(dv.json).toString('utf8')));
  return null;
}

export const dynamicValue = (type: CtyType, v: unknown) => ({ msgpack: encodeValue(type, v) });
