export { SILENT_LIMIT_MS, plan } from './plan.ts';
export { planSlotMoves, type MovePlanInput, type SlotMove } from './moves.ts';
export { describeObservation, type NodeFacts } from './observation.ts';
export { passwordHash, tenantPasswordHashes } from './passwords.ts';
export { persistenceError } from './persistence.ts';
export {
  BOOTSTRAP_NODE_TIMEOUT_MS,
  MANAGED_CONFIG_KEYS,
  MIN_REPLICAS_MAX_LAG_S,
  RDB_SAVE_SCHEDULE,
  RUNNING_NODE_TIMEOUT_MS,
  configDiff,
  configRevision,
  desiredNodeConfig,
  durabilityOf,
} from './config.ts';
export { FENCED_STEPS, POSTGRES_STEPS, type BlockedCode, type DesiredCluster, type ObservedCluster, type ObservedNode, type OpenMove, type PersistenceError, type Plan, type Replaced, type Request, type RedisAnswer, type RedisObservation, type Step, type StepKind } from './types.ts';
