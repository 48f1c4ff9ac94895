import awsLambdaFastify from '@fastify/aws-lambda';
import { loadApiEnv } from './config.ts';
import { createApiFromEnv } from './standalone.ts';

// Built once per cold start, reused by every invocation of a warm function.
const { app } = await createApiFromEnv(loadApiEnv());
export const handler = awsLambdaFastify(app);
