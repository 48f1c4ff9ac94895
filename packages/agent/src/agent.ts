import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentAssignments, type InstanceReport } from '@slotplane/contracts';
import type { Logger } from '@slotplane/logger';
import type { AgentConfig } from './config.ts';
import { Supervisor } from './supervisor.ts';

const HEARTBEAT_MS = 1000;
const LONG_POLL_MS = 20_000;

export interface RunningAgent {
  stop(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit & { token: string }): Promise<T> {
  const res = await fetch(url, {
    ...init,
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
 * Level-triggered: long-poll the assignment list, make the local processes match it, report
 * what runs at once on every change and every second as a heartbeat.
 */
export async function startAgent(config: AgentConfig, log: Logger): Promise<RunningAgent> {
  mkdirSync(config.AGENT_DATA_DIR, { recursive: true });
  const api = config.SLOTPLANE_API_URL.replace(/\/$/, '');
  const token = await hostToken(config, log);
  let stopped = false;
  // Aborted when the agent stops, so no long-poll outlives it.
  const inFlight = new AbortController();
  const signal = inFlight.signal;
  let reporting: Promise<void> = Promise.resolve();

  const sendReport = (instances: InstanceReport[]) =>
    call(`${api}/v1/agent/report`, { method: 'PUT', token, signal, body: JSON.stringify({ instances }) }).then(
      () => undefined,
      (err: unknown) => log.warn({ err }, 'report failed'),
    );
  // Reports go out one at a time, in order; a change made while one is in flight follows it.
  const report = () => {
    reporting = reporting.then(() => (stopped ? undefined : sendReport(supervisor.report())));
    return reporting;
  };

  const supervisor = new Supervisor(config.AGENT_DATA_DIR, config.AGENT_ADDRESS, log, () => void report());
  supervisor.adopt();
  await report();
  const heartbeat = setInterval(() => void report(), HEARTBEAT_MS);

  const loop = (async () => {
    let version: string | undefined;
    while (!stopped) {
      try {
        const query = version ? `?since=${version}&waitMs=${LONG_POLL_MS}` : '';
        const assignments = AgentAssignments.parse(await call(`${api}/v1/agent/assignments${query}`, { token, signal }));
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
