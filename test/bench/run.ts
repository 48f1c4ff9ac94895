// pnpm bench <name>: runs test/bench/<name>.ts (cold-start, create, idle).
const name = process.argv[2];
if (!name) {
  console.error('usage: pnpm bench <cold-start|create|idle>');
  process.exit(2);
}
await import(`./${name}.ts`);
