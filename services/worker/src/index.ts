export { startWorker, type WorkerDeps, type RunningWorker } from './worker.ts';
export { Lease, LeaseBusy } from './lease.ts';
export { sweepOnce } from './sweeper.ts';
export { failpoint } from './failpoint.ts';
