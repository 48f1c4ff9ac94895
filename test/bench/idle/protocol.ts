// The seam between the idle benchmark and the agent protocol it simulates. The measurement in
// ../idle.ts knows only this interface; each wire protocol is one module that implements it.

/** A host as the bench enrolls it. */
export interface SimulatedHost {
  name: string;
  address: string;
  portMin: number;
  portMax: number;
}

/** A redis-server the simulated agent claims to run (nothing is spawned). */
export interface RunningInstance {
  nodeId: string;
  port: number;
  pid: number;
}

export interface SimulatedAgent {
  /** Stops every timer and aborts every request in flight. */
  stop(): Promise<void>;
}

/** Counts the agents' requests by label ("PUT /v1/agent/report"), so rates come out per kind. */
export class RequestLog {
  private readonly counts = new Map<string, number>();

  /** Counts `request` under `label` once it settles; a failure counts under "<label> failed". */
  track<T>(label: string, request: Promise<T>): Promise<T> {
    return request.then(
      (value) => (this.add(label), value),
      (err: unknown) => {
        this.add(`${label} failed`);
        throw err;
      },
    );
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  private add(label: string) {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }
}

export interface AgentProtocol {
  /** Short name for --protocol. */
  name: string;
  /** One line on what it sends, printed with the results. */
  summary: string;
  /** How often an agent proves it is alive; "statements per host per heartbeat" uses it. */
  heartbeatMs: number;
  enroll(apiUrl: string, enrollmentToken: string, host: SimulatedHost): Promise<{ hostId: string; hostToken: string }>;
  /** Starts one agent that already runs `instances`; resolves once its first report is in. */
  start(agent: { apiUrl: string; hostToken: string; instances: RunningInstance[]; log: RequestLog }): Promise<SimulatedAgent>;
}
