// Terraform reads the handshake from the first stdout line: nothing else may reach stdout.
console.log = console.info = console.debug = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);

const { serve } = await import('./serve.ts');
await serve();
