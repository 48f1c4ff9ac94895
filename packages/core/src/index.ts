export { observedStatus, presentStatus, type ClusterState } from './status.ts';
export { HOST_LOST_AFTER_MS, HOST_SUSPECT_AFTER_MS, hostState, hostWatchAt, type HostLiveness, type HostState, type HostWatch } from './hosts.ts';
export { SLOT_COUNT, countSlots, normalizeRanges, rangesEqual, splitSlots } from './slots.ts';
export { myself, parseClusterNodes, slotMapSignature, type ClusterNodeEntry } from './cluster-nodes.ts';
export {
  MIN_FREE_DISK_MB,
  PlacementError,
  diskNeed,
  hasDiskRoom,
  placeCluster,
  placeReplicas,
  type DiskNeed,
  type GrowingShard,
  type PlacedNode,
  type Placement,
  type PlacementHost,
  type PlacementSpec,
} from './placement.ts';
export * from './plan/index.ts';
export { NO_USAGE, exceededQuota, usageOf, type QuotaExceeded } from './quotas.ts';
