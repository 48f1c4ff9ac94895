export { createTestDatabase, rawConnection } from './database.ts';
export { startApiHarness, type ApiHarness } from './api.ts';
export { waitFor } from '@slotplane/embedded';
export { startControlPlane, type ControlPlane, type AgentProcess, type HostSpec } from './control-plane.ts';
export { tenantClient } from './client.ts';
export { loseShardData } from './data-loss.ts';
export { fillToLastByte } from './fill-disk.ts';
export { placeNode } from './fixtures.ts';
export { childCommand, cliCommand } from './bundles.ts';
