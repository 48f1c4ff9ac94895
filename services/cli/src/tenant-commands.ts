// A tenant's commands: clusters, operations and events over the API, through @slotplane/sdk.
import { SlotplaneError, createClient, type AcceptedOperation, type Cluster, type Event, type Operation, type SlotplaneClient } from '@slotplane/sdk';
import { EVENT_TYPES, EventType } from '@slotplane/contracts';
import { UsageError, type Command, type Options, type Values } from './command.ts';
import { CONFIG_FILE_HELP, connectionOf } from './tenant-config.ts';
import { accepted, clusterDetail, clusterRows, credentials, eventLine, operationLine } from './tenant-output.ts';

const CONNECTION: Options = { 'api-url': { type: 'string' }, 'api-key': { type: 'string' }, output: { type: 'string' }, config: { type: 'string' } };
const WAIT: Options = { wait: { type: 'boolean' } };
const CONNECTION_HELP = `\nAPI: --api-url and --api-key, else SLOTPLANE_API_URL and SLOTPLANE_API_KEY, else the config file. --output table (default) or json.\n${CONFIG_FILE_HELP}`;

/** Thrown after the problem was printed: exit 1. */
class Failed extends Error {}

interface Context {
  sdk: SlotplaneClient;
  baseUrl: string;
  json: boolean;
  /** Prints `value` as JSON with --output json, else the table. */
  print(value: unknown, text: () => string): void;
}

function contextOf(values: Values): Context {
  const { baseUrl, apiKey, output } = connectionOf(values);
  const json = output === 'json';
  return { sdk: createClient({ baseUrl, apiKey }), baseUrl, json, print: (value, text) => console.log(json ? JSON.stringify(value, null, 2) : text()) };
}

function integer(values: Values, flag: string, { min, max, required }: { min: number; max: number; required: boolean }): number | undefined {
  const raw = values[flag];
  if (raw === undefined) {
    if (required) throw new UsageError(`--${flag} is required`);
    return undefined;
  }
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, not "${String(raw)}"`);
  return n;
}

function oneOf<T extends string>(values: Values, flag: string, allowed: readonly T[]): T | undefined {
  const raw = values[flag] as string | undefined;
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, not "${raw}"`);
  return raw as T;
}

/** --type, repeated or comma-separated: types of the event catalogue, each once. */
function eventTypesOf(values: Values): EventType[] {
  const types = ((values.type as string[] | undefined) ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  for (const t of types) {
    if (!EventType.safeParse(t).success) throw new UsageError(`--type "${t}" is not an event type: one of ${EVENT_TYPES.join(', ')}`);
  }
  return [...new Set(types as EventType[])];
}

async function clusterIdOf(sdk: SlotplaneClient, name: string): Promise<string> {
  const cluster = await sdk.clusters.findByName(name).catch((err: unknown) => {
    if (err instanceof SlotplaneError) throw err;
    throw new Failed((err as Error).message);
  });
  if (!cluster) throw new Failed(`no cluster named "${name}"`);
  return cluster.id;
}

/** Follows an operation to its end with a progress bar on stderr; exit 1 unless it succeeded. */
async function follow(ctx: Context, operation: Operation): Promise<Operation> {
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    { format: `${operation.kind} {bar} {percentage}% | {step}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    progress.Presets.shades_classic,
  );
  bar.start(100, operation.progress, { step: operation.step ?? operation.status });
  const done = await ctx.sdk.waitForOperation(operation.id, {
    intervalMs: 500,
    onProgress: (op) => bar.update(op.progress, { step: op.step ?? op.status }),
  });
  bar.stop();
  if (done.status !== 'succeeded') {
    ctx.print(done, () => operationLine(done));
    throw new Failed(`operation ${done.status}${done.error ? `: ${done.error.message}` : ''}`);
  }
  return done;
}

/** Prints what a write started, following it first with --wait. */
async function started(ctx: Context, values: Values, result: AcceptedOperation): Promise<void> {
  if (!values.wait) return ctx.print(result, () => accepted(result));
  const operation = await follow(ctx, result.operation);
  // A deleted cluster is not found any more: what it became is what the operation says.
  const cluster = operation.kind === 'delete' ? { ...result.cluster, status: operation.status === 'succeeded' ? ('deleted' as const) : result.cluster.status } : await ctx.sdk.clusters.get(result.cluster.id);
  ctx.print({ cluster, operation }, () => accepted({ cluster, operation }));
}

/** A tenant command: connection flags, API errors printed as the problem's detail with exit 1. */
function tenant(command: Omit<Command, 'run'> & { run(ctx: Context, args: string[], values: Values): Promise<void> }): Command {
  return {
    ...command,
    help: command.help + CONNECTION_HELP,
    options: { ...CONNECTION, ...command.options },
    run: async (args, values) => {
      const ctx = contextOf(values);
      try {
        await command.run(ctx, args, values);
      } catch (err) {
        if (err instanceof SlotplaneError) {
          const fields = err.errors.map((e) => `\n  ${e.field}: ${e.message}`).join('');
          console.error(`error: ${err.detail}${fields}\n(${err.status} ${err.code}${err.requestId ? `, request ${err.requestId}` : ''})`);
        } else if (err instanceof Failed) console.error(`error: ${err.message}`);
        else if (err instanceof Error && (err.message === 'fetch failed' || err.name === 'TimeoutError')) {
          const cause = (err.cause as { code?: string } | undefined)?.code ?? err.name;
          console.error(`error: cannot reach the API at ${ctx.baseUrl} (${cause})`);
        } else throw err;
        process.exitCode = 1;
      }
    },
  };
}

export const TENANT_COMMANDS: Record<string, Command> = {
  'clusters create': tenant({
    usage: 'clusters create <name> --shards N --replicas R [--memory MB] [--persistence none|aof|rdb] [--wait]',
    help: 'Ask for a cluster: N shards (primaries), R replicas each, --memory MB per node (default 256). Prints the cluster and the operation that builds it; --wait follows it with a progress bar until it is done.',
    options: { shards: { type: 'string' }, replicas: { type: 'string' }, memory: { type: 'string' }, persistence: { type: 'string' }, ...WAIT },
    args: ['name'],
    run: async (ctx, [name], values) => {
      const shards = integer(values, 'shards', { min: 1, max: 64, required: true })!;
      const replicasPerShard = integer(values, 'replicas', { min: 0, max: 5, required: true })!;
      const maxMemoryMb = integer(values, 'memory', { min: 16, max: 262144, required: false });
      const persistence = oneOf(values, 'persistence', ['none', 'aof', 'rdb'] as const);
      const result = await ctx.sdk.clusters.create({ name: name!, shards, replicasPerShard, ...(maxMemoryMb ? { maxMemoryMb } : {}), ...(persistence ? { persistence } : {}) });
      await started(ctx, values, result);
    },
  }),
  'clusters list': tenant({
    usage: 'clusters list',
    help: 'Every cluster of your tenant: name, status, shape, id.',
    run: async (ctx) => {
      const all: Cluster[] = [];
      for await (const c of ctx.sdk.clusters.list({ limit: 100 })) all.push(c);
      ctx.print(all, () => clusterRows(all));
    },
  }),
  'clusters get': tenant({
    usage: 'clusters get <name>',
    help: 'A cluster: its spec, status, and every node as observed (role, address, status, slot ranges).',
    args: ['name'],
    run: async (ctx, [name]) => {
      const cluster = await ctx.sdk.clusters.get(await clusterIdOf(ctx.sdk, name!));
      ctx.print(cluster, () => clusterDetail(cluster));
    },
  }),
  'clusters scale': tenant({
    usage: 'clusters scale <name> --shards N [--replicas R] [--wait]',
    help: 'Change the number of shards (slots migrate online) and optionally replicas per shard. --wait follows the operation.',
    options: { shards: { type: 'string' }, replicas: { type: 'string' }, ...WAIT },
    args: ['name'],
    run: async (ctx, [name], values) => {
      const shards = integer(values, 'shards', { min: 1, max: 64, required: true })!;
      const replicasPerShard = integer(values, 'replicas', { min: 0, max: 5, required: false });
      const { cluster, operation } = await ctx.sdk.clusters.update(await clusterIdOf(ctx.sdk, name!), { shards, ...(replicasPerShard !== undefined ? { replicasPerShard } : {}) });
      if (!operation) return ctx.print({ cluster, operation }, () => `cluster ${cluster.name} already has that shape: nothing to do`);
      await started(ctx, values, { cluster, operation });
    },
  }),
  'clusters delete': tenant({
    usage: 'clusters delete <name> [--wait]',
    help: 'Delete a cluster: every node is stopped and its data erased. --wait follows the operation.',
    options: WAIT,
    args: ['name'],
    run: async (ctx, [name], values) => started(ctx, values, await ctx.sdk.clusters.delete(await clusterIdOf(ctx.sdk, name!))),
  }),
  'clusters credentials': tenant({
    usage: 'clusters credentials <name>',
    help: 'Your Redis user, its password and the nodes to connect to (primaries first).',
    args: ['name'],
    run: async (ctx, [name]) => {
      const creds = await ctx.sdk.clusters.credentials(await clusterIdOf(ctx.sdk, name!));
      ctx.print(creds, () => credentials(creds));
    },
  }),
  'clusters switchover': tenant({
    usage: 'clusters switchover <name> --shard I [--wait]',
    help: "Planned switchover of shard I to its best in-sync replica; nothing is lost. --wait follows the operation.",
    options: { shard: { type: 'string' }, ...WAIT },
    args: ['name'],
    run: async (ctx, [name], values) => {
      const shard = integer(values, 'shard', { min: 0, max: 63, required: true })!;
      await started(ctx, values, await ctx.sdk.clusters.switchover(await clusterIdOf(ctx.sdk, name!), shard));
    },
  }),
  'clusters rebalance': tenant({
    usage: 'clusters rebalance <name> [--by slots|memory] [--wait]',
    help: 'Even out slots over the primaries (default), or bytes with --by memory. --wait follows the operation.',
    options: { by: { type: 'string' }, ...WAIT },
    args: ['name'],
    run: async (ctx, [name], values) => {
      const by = oneOf(values, 'by', ['slots', 'memory'] as const);
      await started(ctx, values, await ctx.sdk.clusters.rebalance(await clusterIdOf(ctx.sdk, name!), by ? { by } : {}));
    },
  }),
  'clusters ack-loss': tenant({
    usage: 'clusters ack-loss <name> <loss-id>',
    help: "Acknowledge a data loss of the cluster (its id is in `clusters get`): it is no longer shown. Acknowledging one already acknowledged changes nothing.",
    args: ['name', 'loss-id'],
    run: async (ctx, [name, lossId]) => {
      const cluster = await ctx.sdk.clusters.acknowledgeDataLoss(await clusterIdOf(ctx.sdk, name!), lossId!);
      ctx.print(cluster, () => clusterDetail(cluster));
    },
  }),
  'operations get': tenant({
    usage: 'operations get <id>',
    help: 'An operation: kind, status, progress, step, error and warnings.',
    args: ['id'],
    run: async (ctx, [id]) => {
      const op = await ctx.sdk.operations.get(id!);
      ctx.print(op, () => operationLine(op));
    },
  }),
  'events tail': tenant({
    usage: 'events tail [--cluster NAME] [--type TYPE[,TYPE...]]... [--from-start]',
    help: `Print events as they happen (one line each; one JSON object a line with --output json), until Ctrl-C. --cluster: only that cluster's; --type: only events of that type (repeat it, or separate types with commas, for several); --from-start: every kept event first.\nEvent types: ${EVENT_TYPES.join(', ')}.`,
    options: { cluster: { type: 'string' }, type: { type: 'string', multiple: true }, 'from-start': { type: 'boolean' } },
    run: async (ctx, _args, values) => {
      const types = eventTypesOf(values);
      const name = values.cluster as string | undefined;
      const clusterId = name ? await clusterIdOf(ctx.sdk, name) : undefined;
      const stream = ctx.sdk.events.stream({ ...(clusterId ? { clusterId } : {}), ...(types.length ? { type: types } : {}), ...(values['from-start'] ? {} : { cursor: 'now' }) });
      for await (const e of stream as AsyncIterable<Event>) console.log(ctx.json ? JSON.stringify(e) : eventLine(e));
    },
  }),
};
