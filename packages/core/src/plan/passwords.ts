import { createHash } from 'node:crypto';

/**
 * A password as Redis keeps it for an ACL user (ACL GETUSER lists these; `#<hash>` in ACL
 * SETUSER adds one): SHA-256, lowercase hex. The planner compares and sets passwords by these,
 * so no plaintext reaches a plan, a step or an event.
 */
export function passwordHash(password: string): string {
  return createHash('sha256').update(password).digest('hex');
}

/**
 * The passwords the tenant's user must accept on every node, as hashes in a stable order: the
 * current one, and the previous one while a rotation runs or its grace period lasts. The API
 * (the agents' redis.conf) and the worker (the live ACL) both derive them from here.
 */
export function tenantPasswordHashes(current: string, previous: string | null): string[] {
  return [...new Set([current, ...(previous === null ? [] : [previous])].map(passwordHash))].sort();
}
