import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, tenantClient, type ControlPlane } from '@slotplane/testkit';

// terraform itself (BUSL, not on npm): TERRAFORM_BIN, else the one on PATH.
const terraformBin = process.env.TERRAFORM_BIN ?? spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' }).stdout.trim();
const haveTerraform = terraformBin !== '' && existsSync(terraformBin);
if (!haveTerraform) console.warn('terraform.test.ts: no terraform binary (set TERRAFORM_BIN or put terraform on PATH): skipped');

const root = fileURLToPath(new URL('../..', import.meta.url));
const providerDir = join(root, 'packages/terraform-provider');
const HOSTS = [
  { name: 'tf-a', address: '127.0.0.141', zone: 'a' },
  { name: 'tf-b', address: '127.0.0.142', zone: 'b' },
  { name: 'tf-c', address: '127.0.0.143', zone: 'c' },
];

let cp: ControlPlane;
let apiKey: string;
let client: ReturnType<typeof tenantClient>;
const dirs: string[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A working directory with the dev_overrides CLI config: no registry, no terraform init. */
function workspace(mainTf: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slotplane-tf-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'dev.tfrc'), `provider_installation {\n  dev_overrides {\n    "slotplane/slotplane" = "${join(providerDir, 'bin')}"\n  }\n}\n`);
  writeFileSync(join(dir, 'main.tf'), mainTf);
  return dir;
}

/** Runs terraform without blocking this process: the API it talks to lives here too. */
function terraform(dir: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBin, args, {
      cwd: dir,
      env: {
        ...process.env,
        TF_CLI_CONFIG_FILE: join(dir, 'dev.tfrc'),
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        TF_LOG: 'INFO',
        TF_LOG_PATH: join(dir, 'terraform.log'),
        SLOTPLANE_API_URL: cp.baseUrl,
        SLOTPLANE_API_KEY: apiKey,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const ok = (r: Run) => expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);

function clusterTf(spec: { shards: number; replicas: number; name?: string }): string {
  return `terraform {
  required_providers {
    slotplane = { source = "slotplane/slotplane" }
  }
}

provider "slotplane" {}

resource "slotplane_cluster" "demo" {
  name               = "${spec.name ?? 'tf-demo'}"
  shards             = ${spec.shards}
  replicas_per_shard = ${spec.replicas}
  max_memory_mb      = 64
  persistence        = "none"
  redis_config = {
    "maxmemory-policy" = "allkeys-lru"
    timeout            = 300
  }
}
`;
}

beforeAll(async () => {
  if (!haveTerraform) return;
  const build = spawnSync('pnpm', ['--filter', '@slotplane/terraform-provider', 'build'], { cwd: root, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  cp = await startControlPlane({ hosts: HOSTS, portMin: 13500, portMax: 13599 });
  const tenant = await cp.api.tenant();
  apiKey = tenant.auth.authorization.replace(/^Bearer /, '');
  client = tenantClient(cp.api.app, tenant.auth);
});
afterAll(async () => {
  await cp?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!haveTerraform)('terraform with the slotplane provider', () => {
  let dir: string;
  let clusterId: string;

  it('refuses shards = 0 at plan, with the API\'s message for the field', async () => {
    const bad = workspace(clusterTf({ shards: 0, replicas: 0 }));
    const r = await terraform(bad, 'plan', '-no-color');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('body.shards: Too small: expected number to be >=1');
    expect(r.stderr).toContain('shards             = 0');
  });

  it('creates a cluster with apply, waiting for its operation', async () => {
    dir = workspace(clusterTf({ shards: 2, replicas: 0 }));
    ok(await terraform(dir, 'apply', '-auto-approve', '-no-color'));
    const state = JSON.parse((await terraform(dir, 'show', '-json')).stdout);
    const values = state.values.root_module.resources[0].values;
    clusterId = values.id;
    expect(values).toMatchObject({ name: 'tf-demo', shards: 2, replicas_per_shard: 0, status: 'available', username: 'app' });
    expect(values.endpoints).toHaveLength(2);
    expect(values.password.length).toBeGreaterThan(10);
    const cluster = await client.call('GET', `/v1/clusters/${clusterId}`);
    expect(cluster.status).toBe('available');
    expect(cluster.spec).toMatchObject({ shards: 2, replicasPerShard: 0, maxMemoryMb: 64, redisConfig: { 'maxmemory-policy': 'allkeys-lru', timeout: 300 } });
    // The operation's progress is in Terraform's log.
    expect(readFileSync(join(dir, 'terraform.log'), 'utf8')).toMatch(/operation \S+ \(create\): succeeded 100%/);
  });

  it('plans no changes right after', async () => {
    ok(await terraform(dir, 'plan', '-detailed-exitcode', '-no-color'));
  });

  it('changes shards and replicas in place', async () => {
    writeFileSync(join(dir, 'main.tf'), clusterTf({ shards: 3, replicas: 1 }));
    const plan = await terraform(dir, 'plan', '-no-color');
    expect(plan.stdout).toContain('1 to change, 0 to destroy');
    ok(await terraform(dir, 'apply', '-auto-approve', '-no-color'));
    const cluster = await client.call('GET', `/v1/clusters/${clusterId}`);
    expect(cluster.id).toBe(clusterId);
    expect(cluster.spec).toMatchObject({ shards: 3, replicasPerShard: 1 });
    expect(cluster.status).toBe('available');
    ok(await terraform(dir, 'plan', '-detailed-exitcode', '-no-color'));
  });

  it('shows a change made through the API in the next plan', async () => {
    const res = await client.call('PATCH', `/v1/clusters/${clusterId}`, { maxMemoryMb: 96 });
    expect((await client.settled(res.operation.id)).status).toBe('succeeded');
    const plan = await terraform(dir, 'plan', '-detailed-exitcode', '-no-color');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/max_memory_mb\s+= 96 -> 64/);
    ok(await terraform(dir, 'apply', '-auto-approve', '-no-color'));
    expect((await client.call('GET', `/v1/clusters/${clusterId}`)).spec.maxMemoryMb).toBe(64);
  });

  it('imports the cluster into a fresh state, which then matches the config', async () => {
    const fresh = workspace(clusterTf({ shards: 3, replicas: 1 }));
    ok(await terraform(fresh, 'import', '-no-color', 'slotplane_cluster.demo', clusterId));
    ok(await terraform(fresh, 'plan', '-detailed-exitcode', '-no-color'));
  });

  it('finds the cluster with the data source, by name and by id', async () => {
    const reader = workspace(`terraform {
  required_providers {
    slotplane = { source = "slotplane/slotplane" }
  }
}
provider "slotplane" {}
data "slotplane_cluster" "by_name" {
  name = "tf-demo"
}
data "slotplane_cluster" "by_id" {
  id = "${clusterId}"
}
output "by_name" {
  value = { id = data.slotplane_cluster.by_name.id, shards = data.slotplane_cluster.by_name.shards }
}
output "by_id" {
  value = { name = data.slotplane_cluster.by_id.name, replicas = data.slotplane_cluster.by_id.replicas_per_shard }
}
`);
    ok(await terraform(reader, 'apply', '-auto-approve', '-no-color'));
    const out = JSON.parse((await terraform(reader, 'output', '-json')).stdout);
    expect(out.by_name.value).toEqual({ id: clusterId, shards: 3 });
    expect(out.by_id.value).toEqual({ name: 'tf-demo', replicas: 1 });
  });

  it("plans the README's main.tf (its endpoint pointed at this API)", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const mainTf = readme.split('`main.tf`:')[1]?.match(/```hcl\n([\s\S]*?)```/)?.[1];
    expect(mainTf).toBeDefined();
    const r = await terraform(workspace(mainTf!.replace('http://127.0.0.1:8080', cp.baseUrl)), 'plan', '-no-color');
    ok(r);
    expect(r.stdout).toContain('1 to add, 0 to change, 0 to destroy');
  });

  it('replaces the cluster for a new name', async () => {
    writeFileSync(join(dir, 'main.tf'), clusterTf({ shards: 1, replicas: 0, name: 'tf-renamed' }));
    const plan = await terraform(dir, 'plan', '-no-color');
    ok(plan);
    expect(plan.stdout).toContain('must be replaced');
    expect(plan.stdout).toContain('1 to add, 0 to change, 1 to destroy');
    ok(await terraform(dir, 'apply', '-auto-approve', '-no-color'));
    const state = JSON.parse((await terraform(dir, 'show', '-json')).stdout);
    const renamed = state.values.root_module.resources[0].values;
    expect(renamed).toMatchObject({ name: 'tf-renamed', shards: 1, status: 'available' });
    expect(renamed.id).not.toBe(clusterId);
    expect((await client.call('GET', `/v1/clusters/${clusterId}`)).status ?? 'gone').toMatch(/deleted|gone/);
    clusterId = renamed.id;
  });

  it('destroys the cluster', async () => {
    ok(await terraform(dir, 'destroy', '-auto-approve', '-no-color'));
    const cluster = await client.call('GET', `/v1/clusters/${clusterId}`);
    expect(cluster.status ?? 'gone').toMatch(/deleted|gone/);
  });
});
