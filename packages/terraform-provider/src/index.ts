export { serve } from './serve.ts';
export { createProvider } from './provider.ts';
export { validateCluster, INTEGER_BOUNDS, REDIS_CONFIG_KINDS } from './validation.ts';
