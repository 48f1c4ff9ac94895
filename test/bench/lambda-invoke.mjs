// One cold start of the API as a serverless function: load the handler, answer one request.
// Usage: node lambda-invoke.mjs <handler-module>   (prints the status code)
const started = performance.now();
const { handler } = await import(process.argv[2]);
const event = {
  version: '2.0',
  routeKey: '$default',
  rawPath: '/healthz',
  rawQueryString: '',
  headers: { host: 'bench.local' },
  requestContext: { http: { method: 'GET', path: '/healthz', sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' }, requestId: 'bench', stage: '$default' },
  isBase64Encoded: false,
};
const res = await handler(event, {});
console.log(JSON.stringify({ statusCode: res.statusCode, inProcessMs: performance.now() - started }));
process.exit(0);
