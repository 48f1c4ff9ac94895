// The agent protocol as packages/agent/src/agent.ts speaks it at commit 6e4c930: a report of
// EVERY instance on start and every second as the heartbeat (PUT /v1/agent/report), and a loop
// of GET /v1/agent/assignments (the first without `since`, then long-polls of 20 s). A simulated
// agent "adopted" its instances: it sends the same requests, in the same order and at the same
// rate, as a real agent whose redis-servers are all up, without spawning any.
import { call, enroll, longPollAssignments, sleep } from './http.ts';
import type { AgentProtocol } from './protocol.ts';

const HEARTBEAT_MS = 1000;
const LONG_POLL_MS = 20_000;
const RETRY_MS = 500;

export const fullReportProtocol: AgentProtocol = {
  name: 'full-report',
  summary: `full report of every instance every ${HEARTBEAT_MS} ms (PUT /v1/agent/report) + long-poll GET /v1/agent/assignments (waitMs=${LONG_POLL_MS})`,
  heartbeatMs: HEARTBEAT_MS,

  enroll,

  async start({ apiUrl, hostToken, instances, log }) {
    let stopped = false;
    const inFlight = new AbortController();
    const signal = inFlight.signal;
    const body = JSON.stringify({
      instances: instances.map(({ nodeId, port, pid }) => ({ nodeId, port, pid, state: 'running', exitCode: null, signal: null })),
    });

    // As the real agent: one report at a time, in order; a failed one is logged and dropped.
    let reporting: Promise<void> = Promise.resolve();
    const sendReport = () =>
      log.track('PUT /v1/agent/report', call(`${apiUrl}/v1/agent/report`, { method: 'PUT', token: hostToken, signal, body })).then(
        () => undefined,
        () => undefined,
      );
    const report = () => {
      reporting = reporting.then(() => (stopped ? undefined : sendReport()));
      return reporting;
    };

    await report();
    const heartbeat = setInterval(() => void report(), HEARTBEAT_MS);

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
