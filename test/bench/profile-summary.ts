// Summarises a V8 .cpuprofile: the functions with the most self time, and the packages they are in.
// Run: pnpm exec tsx test/bench/profile-summary.ts <file.cpuprofile> [top=30]
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: profile-summary <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const place = (n: Node) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '');
  const pkg = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/)?.[1];
  return pkg ?? (url.includes('/packages/') || url.includes('/services/') ? url.replace(/.*\/((?:packages|services)\/[^/]+)\/.*/, '$1') : url || '(native)');
};
const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const n of profile.nodes) {
  const us = selfUs.get(n.id) ?? 0;
  if (!us) continue;
  const fn = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byPlace.set(place(n), (byPlace.get(place(n)) ?? 0) + us);
}
const show = (m: Map<string, number>, top: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, us]) => console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nby package:`);
show(byPlace, 15);
console.log('\nby function (self time):');
show(byFunction, Number(topArg ?? 30));
