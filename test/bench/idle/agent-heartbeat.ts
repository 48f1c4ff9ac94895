// The agent protocol as packages/agent/src/agent.ts speaks it since the reconciler: one report
// of every instance at start (and afterwards only on a change, which never comes while idle),
// numbered by boot id and seq; a cheap POST /v1/agent/heartbeat every second; and long-polls of
// GET /v1/agent/assignments that the API wakes on a NOTIFY instead of re-querying.
import { call, enroll, longPollAssignments, sleep } from './http.ts';
import type { AgentProtocol } from './protocol.ts';

const HEARTBEAT_MS = 1000;
const LONG_POLL_MS = 20_000;
const RETRY_MS = 500;

export const heartbeatProtocol: AgentProtocol = {
  name: 'heartbeat',
  summary: `one report at start, then only on change (PUT /v1/agent/report); POST /v1/agent/heartbeat every ${HEARTBEAT_MS} ms; long-poll GET /v1/agent/assignments (waitMs=${LONG_POLL_MS}, woken by NOTIFY)`,
  heartbeatMs: HEARTBEAT_MS,

  enroll,

  async start({ apiUrl, hostToken, instances, log }) {
    let stopped = false;
    const inFlight = new AbortController();
    const signal = inFlight.signal;
    const bootId = `${Date.now().toString().padStart(15, '0')}-sim`;
    const seq = 1;
    const body = JSON.stringify({
      bootId,
      seq,
      instances: instances.map(({ nodeId, port, pid }) => ({ nodeId, port, pid, state: 'running', exitCode: null, signal: null, runGeneration: 1, revision: null })),
    });
    await log.track('PUT /v1/agent/report', call(`${apiUrl}/v1/agent/report`, { method: 'PUT', token: hostToken, signal, body }));
    const heartbeat = setInterval(() => {
      void log
        .track('POST /v1/agent/heartbeat', call(`${apiUrl}/v1/agent/heartbeat`, { method: 'POST', token: hostToken, signal, body: JSON.stringify({ bootId, seq }) }))
        .catch(() => undefined);
    }, HEARTBEAT_MS);

    const loop = longPollAssignments({ apiUrl, token: hostToken, signal, waitMs: LONG_POLL_MS, retryMs: RETRY_MS, stopped: () => stopped, track: (l, p) => log.track(l, p) });

    return {
      async stop() {
        stopped = true;
        clearInterval(heartbeat);
        inFlight.abort();
        await Promise.race([loop, sleep(100)]);
      },
    };
  },
};
