// pnpm bench <name>: runs test/bench/<name>.ts (cold-start, create, idle, reshard).
const name = process.argv[2];
if (!name) {
  console.error('usage: pnpm bench <cold-start|create|idle|reshard>');
  process.exit(2);
}
await import(`./${name}.ts`);
