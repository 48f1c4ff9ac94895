import awsLambdaFastify from '@fastify/aws-lambda';
import { loadApiEnv } from './config.ts';
import { createApiFromEnv } from './standalone.ts';

// Built once per cold start, reused by every invocation of a warm function. Responses are
// buffered here, so the event stream says it is not available (poll GET /v1/events instead).
const { app } = await createApiFromEnv(loadApiEnv(), { streaming: false });
export const handler = awsLambdaFastify(app);
