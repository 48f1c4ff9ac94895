export * from './common.ts';
export * from './clusters.ts';
export * from './topology.ts';
export * from './operations.ts';
export * from './jobs.ts';
export * from './env.ts';
export * from './agent.ts';
export * from './events.ts';
