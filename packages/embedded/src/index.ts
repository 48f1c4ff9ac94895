export { freePort } from './ports.ts';
export { which, requireBinary, MissingBinaryError } from './binaries.ts';
export { waitFor } from './wait.ts';
export { startRedisServer, stopChild, type RedisServer } from './redis.ts';
export { startThrowawayPostgres, type ThrowawayPostgres } from './postgres.ts';
