export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function printTable(title: string, rows: Array<{ name: string; ms: number }>) {
  console.log(`\n${title}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(70)} ${r.ms.toFixed(0).padStart(7)} ms`);
}
