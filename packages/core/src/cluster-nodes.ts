import type { SlotRange } from '@slotplane/contracts';
import { SLOT_COUNT, normalizeRanges } from './slots.ts';

/** One line of `CLUSTER NODES` (Redis 7.0), as one node sees another (or itself). */
export interface ClusterNodeEntry {
  id: string;
  /** IP the node announced; '' when the node does not know it yet (`:0@0`, fresh `:6379@16379`). */
  host: string;
  port: number;
  busPort: number;
  /** Announced hostname (`ip:port@cport,hostname`), when one is set. */
  hostname?: string;
  /** Raw flags; `noflags` is read as an empty list. */
  flags: string[];
  myself: boolean;
  role: 'primary' | 'replica';
  primaryId: string | null;
  configEpoch: number;
  connected: boolean;
  /** `fail` or `fail?`: either way, not a node to send work to. */
  failing: boolean;
  handshake: boolean;
  /** Owned slots, normalized (sorted, merged). */
  slots: SlotRange[];
  /** Open slots; Redis prints these on the `myself` line only. */
  migrating: Array<{ slot: number; to: string }>;
  importing: Array<{ slot: number; from: string }>;
}

const FIELDS_BEFORE_SLOTS = 8;
const INTEGER = /^\d+$/;
const MIGRATING = /^\[(\d+)->-([^\]\s]+)\]$/;
const IMPORTING = /^\[(\d+)-<-([^\]\s]+)\]$/;
const RANGE = /^(\d+)(?:-(\d+))?$/;

class MalformedLine extends Error {}

/**
 * Parses `CLUSTER NODES` output. Blank lines, trailing whitespace and CRLF are tolerated;
 * anything else unexpected throws with the offending line, because a misread topology
 * (a slot owner, a role) would send a worker step to the wrong node.
 */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
  const entries: ClusterNodeEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    try {
      entries.push(parseLine(line));
    } catch (err) {
      if (!(err instanceof MalformedLine)) throw err;
      throw new Error(`malformed CLUSTER NODES line (${err.message}): ${line}`);
    }
  }
  return entries;
}

function parseLine(line: string): ClusterNodeEntry {
  const fields = line.split(/\s+/);
  if (fields.length < FIELDS_BEFORE_SLOTS) {
    throw new MalformedLine(`expected at least ${FIELDS_BEFORE_SLOTS} fields, got ${fields.length}`);
  }
  const [id, address, flagField, primaryField, pingSent, pongRecv, epochField, linkState] = fields as [
    string, string, string, string, string, string, string, string,
  ];
  const { host, port, busPort, hostname } = parseAddress(address);
  const flags = flagField === 'noflags' ? [] : flagField.split(',');
  if (flags.some((f) => f === '')) throw new MalformedLine(`bad flags "${flagField}"`);
  for (const [name, value] of [['ping-sent', pingSent], ['pong-recv', pongRecv], ['config-epoch', epochField]]) {
    if (!INTEGER.test(value ?? '')) throw new MalformedLine(`${name} is not an integer: "${value}"`);
  }
  if (linkState !== 'connected' && linkState !== 'disconnected') {
    throw new MalformedLine(`bad link state "${linkState}"`);
  }
  const primaryId = primaryField === '-' ? null : primaryField;

  const slots: SlotRange[] = [];
  const migrating: ClusterNodeEntry['migrating'] = [];
  const importing: ClusterNodeEntry['importing'] = [];
  for (const token of fields.slice(FIELDS_BEFORE_SLOTS)) {
    const mig = MIGRATING.exec(token);
    const imp = IMPORTING.exec(token);
    const range = RANGE.exec(token);
    if (mig) migrating.push({ slot: parseSlot(mig[1]), to: mig[2] ?? '' });
    else if (imp) importing.push({ slot: parseSlot(imp[1]), from: imp[2] ?? '' });
    else if (range) {
      const start = parseSlot(range[1]);
      const end = range[2] === undefined ? start : parseSlot(range[2]);
      if (start > end) throw new MalformedLine(`reversed slot range "${token}"`);
      slots.push([start, end]);
    } else throw new MalformedLine(`bad slot token "${token}"`);
  }

  const entry: ClusterNodeEntry = {
    id,
    host,
    port,
    busPort,
    flags,
    myself: flags.includes('myself'),
    // A handshake or noflags node shows neither master nor slave; its primary field decides.
    role: flags.includes('slave') || (!flags.includes('master') && primaryId !== null) ? 'replica' : 'primary',
    primaryId,
    configEpoch: Number(epochField),
    connected: linkState === 'connected',
    failing: flags.includes('fail') || flags.includes('fail?'),
    handshake: flags.includes('handshake'),
    slots: normalizeRanges(slots),
    migrating,
    importing,
  };
  if (hostname !== undefined) entry.hostname = hostname;
  return entry;
}

/** `ip:port@cport[,hostname[,aux=value...]]`; the IP may be IPv6 or empty. */
function parseAddress(address: string): { host: string; port: number; busPort: number; hostname?: string } {
  const [endpoint = '', hostname, ...aux] = address.split(',');
  const at = endpoint.lastIndexOf('@');
  const colon = endpoint.lastIndexOf(':', at);
  if (at < 0 || colon < 0) throw new MalformedLine(`bad address "${address}"`);
  const port = parsePort(endpoint.slice(colon + 1, at), address);
  const busPort = parsePort(endpoint.slice(at + 1), address);
  // Redis 7.2+ appends aux fields (shard-id=...) after the hostname; they are not a hostname.
  if (aux.some((a) => !a.includes('='))) throw new MalformedLine(`bad address "${address}"`);
  const result: { host: string; port: number; busPort: number; hostname?: string } = {
    host: endpoint.slice(0, colon),
    port,
    busPort,
  };
  if (hostname !== undefined && hostname !== '' && !hostname.includes('=')) result.hostname = hostname;
  return result;
}

function parsePort(text: string, address: string): number {
  const port = Number(text);
  if (!INTEGER.test(text) || port > 65535) throw new MalformedLine(`bad port in address "${address}"`);
  return port;
}

function parseSlot(text: string | undefined): number {
  const slot = Number(text);
  if (text === undefined || !INTEGER.test(text) || slot >= SLOT_COUNT) {
    throw new MalformedLine(`slot out of range "${text}"`);
  }
  return slot;
}

/**
 * Canonical "id:ranges;id:ranges" of slot ownership (primaries with slots, sorted by id),
 * so "every node sees the same slot map" is a string comparison across nodes. Open
 * (migrating/importing) slots are left out: Redis shows them only on the `myself` line.
 */
export function slotMapSignature(entries: ClusterNodeEntry[]): string {
  return entries
    .filter((e) => e.role === 'primary' && e.slots.length > 0)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((e) => `${e.id}:${normalizeRanges(e.slots).map(([s, t]) => (s === t ? `${s}` : `${s}-${t}`)).join(',')}`)
    .join(';');
}

/** The line of the node that answered, i.e. its own view of itself. */
export function myself(entries: ClusterNodeEntry[]): ClusterNodeEntry | undefined {
  return entries.find((e) => e.myself);
}
