#!/usr/bin/env -S npx tsx
import { createLogger } from '@slotplane/logger';
import { loadAgentConfig } from './config.ts';
import { startAgent } from './agent.ts';

try {
  const config = loadAgentConfig(process.argv.slice(2));
  const log = createLogger('agent', { level: config.LOG_LEVEL }).child({ host: config.AGENT_NAME });
  const agent = await startAgent(config, log);
  log.info({ address: config.AGENT_ADDRESS, ports: `${config.AGENT_PORT_MIN}-${config.AGENT_PORT_MAX}` }, 'agent running');
  // Stopping the agent leaves the redis-servers running: the next agent adopts them.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void agent.stop().then(() => process.exit(0)));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
