import { eq } from '@slotplane/db';

/**
 * The row filter for what a principal may see (`visibleTenant`): rows of that tenant, or, for null
 * (an admin key), every tenant's. Put beside the id in the WHERE of every read and write.
 */
export const ownedBy = (tenantColumn: Parameters<typeof eq>[0], tenantId: string | null) => (tenantId === null ? undefined : eq(tenantColumn, tenantId));
