import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LogLevel, parseEnv } from '@slotplane/contracts';

const AgentConfig = z.object({
  SLOTPLANE_API_URL: z.string().url('must be the control plane URL, e.g. http://127.0.0.1:8080'),
  SLOTPLANE_ENROLL_TOKEN: z.string().optional().describe('needed on first start, until the agent holds a host credential'),
  AGENT_NAME: z.string().min(1),
  AGENT_ADDRESS: z.string().min(1).default('127.0.0.1'),
  AGENT_PORT_MIN: z.coerce.number().int().min(1024).max(55535).default(7000),
  AGENT_PORT_MAX: z.coerce.number().int().min(1024).max(55535).default(7999),
  AGENT_DATA_DIR: z.string().min(1),
  AGENT_ZONE: z.string().optional(),
  AGENT_RACK: z.string().optional(),
  LOG_LEVEL: z.enum(LogLevel).default('info'),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

const flags = {
  'api-url': 'SLOTPLANE_API_URL',
  'enroll-token': 'SLOTPLANE_ENROLL_TOKEN',
  name: 'AGENT_NAME',
  address: 'AGENT_ADDRESS',
  'port-min': 'AGENT_PORT_MIN',
  'port-max': 'AGENT_PORT_MAX',
  'data-dir': 'AGENT_DATA_DIR',
  zone: 'AGENT_ZONE',
  rack: 'AGENT_RACK',
} as const;

/** Flags win over environment variables: `--api-url` or SLOTPLANE_API_URL, and so on. */
export function loadAgentConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const options = Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'string' as const }]));
  const { values } = parseArgs({ args: argv, options, strict: true });
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [flag, name] of Object.entries(flags)) {
    const v = values[flag];
    if (typeof v === 'string') merged[name] = v;
  }
  return parseEnv(AgentConfig, merged);
}
