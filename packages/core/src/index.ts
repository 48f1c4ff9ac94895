export { presentStatus, type ClusterState } from './status.ts';
