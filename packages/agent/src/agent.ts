import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentAssignments, HeartbeatResult } from '@slotplane/contracts';
import type { Logger } from '@slotplane/logger';
import type { AgentConfig } from './config.ts';
import { diskSpace } from './disk.ts';
import { Supervisor } from './supervisor.ts';

const HEARTBEAT_MS = 1000;
const LONG_POLL_MS = 20_000;
/** Every call to the API gives up after this long (a long-poll: after its wait plus this). */
const CALL_TIMEOUT_MS = 5000;

export interface RunningAgent {
  stop(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit & { token: string; timeoutMs?: number }): Promise<T> {
  const timeout = AbortSignal.timeout(init.timeoutMs ?? CALL_TIMEOUT_MS);
  const res = await fetch(url, {
    ...init,
    signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
    headers: { authorization: `Bearer ${init.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${(body as { detail?: string }).detail ?? ''}`), { status: res.status });
  return body as T;
}

/** The host credential from the data dir, or a new one from enrolling with the enrollment token. */
async function hostToken(config: AgentConfig, log: Logger): Promise<string> {
  const file = join(config.AGENT_DATA_DIR, 'host-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!config.SLOTPLANE_ENROLL_TOKEN) throw new Error('this host is not enrolled yet: pass --enroll-token (create one with `slotplane host enroll-token`)');
  const { hostId, hostToken } = await call<{ hostId: string; hostToken: string }>(`${config.SLOTPLANE_API_URL}/v1/agent/enroll`, {
    method: 'POST',
    token: config.SLOTPLANE_ENROLL_TOKEN,
    body: JSON.stringify({
      name: config.AGENT_NAME,
      address: config.AGENT_ADDRESS,
      zone: config.AGENT_ZONE ?? null,
      rack: config.AGENT_RACK ?? null,
      portMin: config.AGENT_PORT_MIN,
      portMax: config.AGENT_PORT_MAX,
    }),
  });
  writeFileSync(file, `${hostToken}\n`, { mode: 0o600 });
  log.info({ hostId }, 'enrolled');
  return hostToken;
}

/**
 * Level-triggered: long-poll the assignment list (the API answers as soon as it changes), make
 * the local processes match it, and report what runs the moment it changes. Reports carry this
 * boot's id and a sequence number, so a late one never overwrites a newer one. A cheap
 * heartbeat says the host is alive and asks for a resend when a report was lost.
 */
export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  // Tenants' data lives here (AOF, RDB, nodes.conf, redis.log of every node): private whatever
  // umask the service manager gives the agent (systemd's 022 left AOFs world-readable). The
  // redis-servers inherit the umask; the dir's own mode covers what an earlier version made.
  process.umask(0o077);
  mkdirSync(config.AGENT_DATA_DIR, { recursive: true, mode: 0o700 });
  chmodSync(config.AGENT_DATA_DIR, 0o700);
  const api = config.SLOTPLANE_API_URL.replace(/\/$/, '');
  const token = await hostToken(config, log);
  // Sorts after every earlier boot of this agent.
  const bootId = `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}`;
  let seq = 0;
  let stopped = false;
  // Aborted when the agent stops, so no call outlives it.
  const inFlight = new AbortController();
  const signal = inFlight.signal;

  // Change-only reports, one at a time; changes made while one is in flight go out together after it.
  let sending: Promise<void> | undefined;
  let dirty = false;
  const report = (): Promise<void> => {
    dirty = true;
    sending ??= (async () => {
      while (dirty && !stopped) {
        dirty = false;
        // A new number every time: a report that reached the API but whose answer was lost must not block the next.
        const body = { bootId, seq: ++seq, instances: supervisor.report(), disk: diskSpace(config.AGENT_DATA_DIR) };
        try {
          await call(`${api}/v1/agent/report`, { method: 'PUT', token, signal, body: JSON.stringify(body) });
        } catch (err) {
          if (!stopped) log.warn({ err }, 'report failed; the next heartbeat asks for it again');
        }
      }
      sending = undefined;
    })();
    return sending;
  };

  const supervisor = new Supervisor(config.AGENT_DATA_DIR, config.AGENT_ADDRESS, log, () => void report());
  supervisor.adopt();
  await report();
  const heartbeat = setInterval(() => {
    // With the data dir's free space: the control plane places new nodes only where there is room.
    call<HeartbeatResult>(`${api}/v1/agent/heartbeat`, { method: 'POST', token, signal, body: JSON.stringify({ bootId, seq, disk: diskSpace(config.AGENT_DATA_DIR) }) }).then(
      (r) => (r.resend && !sending ? void report() : undefined),
      (err: unknown) => {
        if (stopped) return;
        // Refused, not unreachable: retrying will not help until an operator acts. The redis-servers keep serving meanwhile.
        if ((err as { status?: number }).status === 401) log.error({ err }, 'the control plane refuses this host credential: revoked, or rotated (write the new one to <data dir>/host-token and restart the agent)');
        else log.warn({ err }, 'heartbeat failed');
      },
    );
  }, HEARTBEAT_MS);

  const loop = (async () => {
    let version: string | undefined;
    while (!stopped) {
      try {
        const query = version ? `?since=${version}&waitMs=${LONG_POLL_MS}` : '';
        const assignments = AgentAssignments.parse(
          await call(`${api}/v1/agent/assignments${query}`, { token, signal, timeoutMs: LONG_POLL_MS + CALL_TIMEOUT_MS }),
        );
        if (stopped) break;
        await supervisor.converge(assignments.instances);
        version = assignments.version;
      } catch (err) {
        if (stopped) break;
        log.warn({ err }, 'could not read assignments; retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      clearInterval(heartbeat);
      inFlight.abort();
      supervisor.close();
      await Promise.race([loop, new Promise((r) => setTimeout(r, 100))]);
    },
  };
}
