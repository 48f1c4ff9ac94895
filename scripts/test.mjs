// `pnpm test`: the type-check and the tests at once. tsc keeps one core busy for a while; the
// tests mostly wait on Redis. tsc's report is printed after the tests' (not interleaved), and the
// run fails if either does.
import { spawn } from 'node:child_process';

const run = (command, args, capture) =>
  new Promise((resolve) => {
    let out = '';
    const child = spawn(command, args, { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    if (capture) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.on('exit', (code, signal) => resolve({ ok: code === 0, out, code: code ?? signal }));
  });

const started = Date.now();
const typecheck = run('pnpm', ['-s', 'typecheck'], true).then((r) => ({ ...r, seconds: (Date.now() - started) / 1000 }));
const tests = await run('pnpm', ['-s', 'exec', 'vitest', 'run', ...process.argv.slice(2)], false);
const types = await typecheck;
console.log(types.ok ? `type-check passed (${types.seconds.toFixed(0)} s)` : `type-check FAILED (exit ${types.code}):\n${types.out}`);
process.exit(tests.ok && types.ok ? 0 : 1);
