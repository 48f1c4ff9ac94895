import { loadApiEnv } from './config.ts';
import { createApiFromEnv } from './standalone.ts';

const env = loadApiEnv();
const { app, close } = await createApiFromEnv(env);
await app.listen({ host: env.HOST, port: env.PORT });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void close().then(() => process.exit(0)));
}
