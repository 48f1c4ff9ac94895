export { createTestDatabase } from './database.ts';
export { startApiHarness, type ApiHarness } from './api.ts';
export { waitFor } from '@slotplane/embedded';
