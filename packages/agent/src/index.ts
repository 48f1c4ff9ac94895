export { startAgent, type RunningAgent } from './agent.ts';
export { loadAgentConfig, type AgentConfig } from './config.ts';
export { renderRedisConf } from './redis-conf.ts';
