export { startAgent, type RunningAgent } from './agent.ts';
export { loadAgentConfig, type AgentConfig } from './config.ts';
export { renderRedisConf, CLUSTER_NODE_TIMEOUT_MS } from './redis-conf.ts';
