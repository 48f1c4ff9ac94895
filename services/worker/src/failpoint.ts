/**
 * Crash-consistency tests need a worker (or a CLI command) to die at an exact point. With
 * SLOTPLANE_FAILPOINT=<name> set, the process kills itself with SIGKILL when it
 * reaches that point, as a power cut or OOM kill would. Unset (always, in production), this
 * does nothing.
 */
export function failpoint(name: string): void {
  if (process.env.SLOTPLANE_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
