export * from './tenants.ts';
export * from './clusters.ts';
export * from './hosts.ts';
export * from './operations.ts';
