export { startWorker, type WorkerDeps, type RunningWorker } from './worker.ts';
export { sweepOnce } from './sweeper.ts';
export { failpoint } from './failpoint.ts';
