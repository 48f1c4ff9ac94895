import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line, at any depth: the key itself or its end, any case
 * (`password`, `adminPassword`, `passwords`, `webhookSecret`, `apiKey`, `x-api-key`, ...).
 * `token` only alone or as a credential's name: a lease's fencing token is worth logging.
 */
const SECRET_KEY = /(password|passwords|secret|secrets|secrets_?key|api[-_]?key|authorization|cookie|enroll_?token|host_?token|^token)$/i;
/** Redis commands whose arguments carry credentials; ioredis puts a failed command (name, args) on its error. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'migrate', 'acl', 'config']);
/** A line that cannot hold a secret key is written untouched (most lines): no parse, no copy. */
const MAY_HOLD_SECRET = /pass|secret|key|token|authoriz|cookie|"args"/i;
export const CENSOR = '[redacted]';

/** A copy of `value` with every secret replaced, however deep in objects and arrays it sits. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  const credentialCommand = typeof o.name === 'string' && Array.isArray(o.args) && CREDENTIAL_COMMANDS.has(o.name.toLowerCase());
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = SECRET_KEY.test(k) || (credentialCommand && k === 'args') ? CENSOR : redact(v);
  return out;
}

/**
 * Redaction works on the finished JSON line, not pino's redact paths (which cannot say "any
 * depth"): that way it also covers child-logger bindings and what serializers produce (an
 * error's own properties), which a log formatter never sees.
 */
function redactLine(line: string): string {
  if (!MAY_HOLD_SECRET.test(line)) return line;
  return `${JSON.stringify(redact(JSON.parse(line)))}\n`;
}

/** The one logger factory: JSON lines, secrets redacted, a `service` field on every line. */
export function createLogger(service: string, opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service },
    hooks: { streamWrite: redactLine },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
