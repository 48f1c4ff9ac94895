// pnpm bench <name>: runs test/bench/<name>.ts (chaos, cold-start, create, events, failover, idle, reshard).
const name = process.argv[2];
if (!name) {
  console.error('usage: pnpm bench <chaos|cold-start|create|events|failover|idle|reshard>');
  process.exit(2);
}
await import(`./${name}.ts`);
