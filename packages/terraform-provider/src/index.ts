export { serve } from './serve.ts';
export { createProvider } from './provider.ts';
export { validateCluster, REDIS_CONFIG_KINDS } from './validation.ts';
