export { startAgent, type RunningAgent } from './agent.ts';
export { loadAgentConfig, type AgentConfig } from './config.ts';
export { renderRedisConf, TENANT_ACL } from './redis-conf.ts';
