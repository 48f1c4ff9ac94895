export { presentStatus, type ClusterState } from './status.ts';
export { SLOT_COUNT, countSlots, normalizeRanges, rangesEqual, splitSlots } from './slots.ts';
export { myself, parseClusterNodes, slotMapSignature, type ClusterNodeEntry } from './cluster-nodes.ts';
export {
  PlacementError,
  placeCluster,
  type PlacedNode,
  type Placement,
  type PlacementHost,
  type PlacementSpec,
} from './placement.ts';
