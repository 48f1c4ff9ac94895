import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster as RedisCluster } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTenant } from '@slotplane/api';
import { CONSOLE_BASE } from '@slotplane/console';
import { eq, nodes } from '@slotplane/db';
import { startControlPlane, tenantClient, type ControlPlane } from '@slotplane/testkit';

/** Debian's chromium package; .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console e2e skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, as .ci/run does)`);
/** Screenshots of each step, kept for a human to look at (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('../artifacts/console', import.meta.url));

const HOSTS = [
  { name: 'host-a', address: '127.0.0.151', zone: 'a' },
  { name: 'host-b', address: '127.0.0.152', zone: 'b' },
  { name: 'host-c', address: '127.0.0.153', zone: 'c' },
];

describe.skipIf(!haveChromium)('the admin console, in headless Chromium against a real control plane', () => {
  let cp: ControlPlane;
  let browser: Browser;
  let page: Page;
  let adminKey: string;
  let call: ReturnType<typeof tenantClient>['call'];
  let clusterId: string;

  const screenshot = async (name: string) => {
    const path = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path, fullPage: true });
    console.log(`screenshot: ${path}`);
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The console this run's global setup built.
    cp = await startControlPlane({ hosts: HOSTS, portMin: 14500, portMax: 14599, console: { dir: inject('consoleDir'), path: CONSOLE_BASE } });
    adminKey = (await createTenant(cp.api.database.db, 'ops', 'admin')).apiKey;
    ({ call } = tenantClient(cp.api.app, { authorization: `Bearer ${adminKey}` }));
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('pageerror', (err) => console.log(`browser: ${err.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await cp?.stop();
  });

  it('is served at /console, outside the OpenAPI document', async () => {
    const res = await fetch(`${cp.baseUrl}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    // Its icon is in the page: the browser asks for no /favicon.ico.
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
    expect((await fetch(`${cp.baseUrl}/console/assets/nope.js`)).status).toBe(404);
    const doc = (await (await fetch(`${cp.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });

  it('refuses to sign in with a key that is not an admin key, saying why', async () => {
    const tenantKey = (await createTenant(cp.api.database.db, 'shop', 'write')).apiKey;
    await page.goto(`${cp.baseUrl}/console`);
    await page.getByLabel('admin API key').fill(tenantKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.signin .error', { hasText: 'admin' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('signs in with a pasted admin key, kept in sessionStorage only', async () => {
    await page.getByLabel('admin API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Clusters' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("slotplane.adminKey")')).toBe(adminKey);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await screenshot('1-signed-in');
  });

  const fillCreateForm = async (fields: { name: string; shards: string; replicasPerShard: string }) => {
    const form = page.getByRole('form', { name: 'Create cluster' });
    await form.getByLabel('name', { exact: true }).fill(fields.name);
    await form.getByLabel('shards', { exact: true }).fill(fields.shards);
    await form.getByLabel('replicas per shard', { exact: true }).fill(fields.replicasPerShard);
    await form.getByRole('button', { name: 'Create' }).click();
    return form;
  };

  it("shows the API's field errors beside the create form's fields", async () => {
    const form = await fillCreateForm({ name: 'Not A Name!', shards: '0', replicasPerShard: '1' });
    await form.locator('[data-field="name"] .field-error').waitFor({ timeout: 10_000 });
    await form.locator('[data-field="shards"] .field-error').waitFor();
    expect(await form.locator('[data-field="replicasPerShard"] .field-error').count()).toBe(0);
    expect((await call('GET', '/v1/clusters')).items).toEqual([]);
    await screenshot('2-create-form-errors');
  }, 30_000);

  it('creates a cluster through the form and shows it turn available, without reloading', async () => {
    await page.evaluate('window.__sameDocument = true');
    const form = await fillCreateForm({ name: 'web', shards: '3', replicasPerShard: '1' });
    const row = page.locator('tr[data-cluster="web"]');
    await row.locator('[data-status="creating"], [data-status="modifying"], [data-status="available"]').waitFor({ timeout: 15_000 });
    expect(await form.locator('.field-error, .form-error').count()).toBe(0);
    const listed = (await call('GET', '/v1/clusters')).items as Array<{ id: string; name: string; spec: { shards: number; replicasPerShard: number } }>;
    expect(listed.map((c) => [c.name, c.spec.shards, c.spec.replicasPerShard])).toEqual([['web', 3, 1]]);
    clusterId = listed[0]!.id;
    await row.locator('[data-status="available"]').waitFor({ timeout: 120_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot('2-cluster-available');
  }, 150_000);

  it('says beside the name field that a second cluster cannot take a used name (409)', async () => {
    const form = await fillCreateForm({ name: 'web', shards: '1', replicasPerShard: '0' });
    await form.locator('[data-field="name"] .field-error', { hasText: 'already taken' }).waitFor({ timeout: 10_000 });
    expect((await call('GET', '/v1/clusters')).items).toHaveLength(1);
  }, 30_000);

  it("draws the cluster's shards: slot ranges over 0-16383, one primary and one replica each, healthy", async () => {
    await page.getByRole('link', { name: 'web' }).click();
    const shards = page.locator('.shard');
    await expect.poll(() => shards.count()).toBe(3);
    const slots = await page.locator('.slotbar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-slots'))));
    expect(slots.reduce((a, b) => a + b, 0)).toBe(16384);
    await expect.poll(() => page.locator('.shard tbody tr').count()).toBe(6);
    await expect.poll(() => page.locator('.shard [data-status="primary"]').count()).toBe(3);
    await expect.poll(() => page.locator('.shard [data-status="ok"]').count(), { timeout: 30_000 }).toBe(6);
    await screenshot('3-cluster-shards');
  }, 60_000);

  it('shows the keys each shard holds, read from the nodes (the skew report)', async () => {
    const { username, password, endpoints } = await call('GET', `/v1/clusters/${clusterId}/credentials`);
    const client = new RedisCluster([endpoints[0]], { redisOptions: { username, password } });
    try {
      await Promise.all(Array.from({ length: 300 }, (_, i) => client.set(`console:${i}`, 'x')));
    } finally {
      client.disconnect();
    }
    const keysShown = () => page.locator('.shard [data-load]').evaluateAll((spans) => spans.reduce((n, s) => n + Number((s.textContent ?? '').split(' keys')[0]!.replace(/\D/g, '')), 0));
    await expect.poll(keysShown, { timeout: 30_000 }).toBe(300);
  }, 60_000);

  it("scales the cluster to four shards after a confirmation, the operation's progress drawn live", async () => {
    await page.getByLabel('shards').fill('4');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.getByRole('dialog').getByText('from 3 to 4 shards').waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.op[data-operation="update"], p.error').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('p.error').allTextContents()).toEqual([]);
    await screenshot('4-scaling');
    await page.locator('.op[data-operation="update"] [data-status="succeeded"]').waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('.shard').count()).toBe(4);
    await page.locator('h2 [data-status="available"]').waitFor({ timeout: 30_000 });
    const slots = await page.locator('.slotbar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-slots'))));
    expect(slots.reduce((a, b) => a + b, 0)).toBe(16384);
    expect(slots.every((n) => n > 0)).toBe(true);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot('5-scaled');
  }, 150_000);

  it('switches a shard over after a confirmation: another node is its primary, on the page and in the API', async () => {
    const shardOf = async () => ((await call('GET', `/v1/clusters/${clusterId}`)).shards as Array<{ index: number; primary: { id: string; host: string; port: number } | null; replicas: Array<{ id: string }> }>).find((s) => s.index === 1)!;
    const before = await shardOf();
    const oldPrimary = `${before.primary!.host}:${before.primary!.port}`;
    const shard = page.locator('.shard[data-shard="1"]');
    await shard.getByRole('button', { name: 'Switch over' }).click();
    await page.getByRole('dialog').getByText('Switch over shard 1').waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('.op.started[data-started="switchover"], p.error').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('p.error').allTextContents()).toEqual([]);
    await page.locator('.op.started[data-started="switchover"] [data-status="succeeded"]').waitFor({ timeout: 60_000 });
    // The API lists the observed primary first: the shard's first row is the new primary.
    const firstRow = shard.locator('tbody tr').first();
    await expect.poll(() => firstRow.getAttribute('data-node'), { timeout: 30_000 }).not.toBe(oldPrimary);
    await firstRow.locator('[data-status="primary"]').waitFor({ timeout: 30_000 });
    await shard.locator(`tr[data-node="${oldPrimary}"] [data-status="replica"]`).waitFor({ timeout: 30_000 });
    const after = await shardOf();
    expect(after.primary!.id).not.toBe(before.primary!.id);
    expect(before.replicas.map((r) => r.id)).toContain(after.primary!.id);
    await screenshot('5b-switched-over');
  }, 120_000);

  it('asks before a rebalance, and a cancel starts nothing', async () => {
    const operations = async () => (await call('GET', `/v1/clusters/${clusterId}/operations?limit=100`)).items.length as number;
    const count = await operations();
    await page.getByLabel('rebalance by').selectOption('memory');
    await page.getByRole('button', { name: 'Rebalance' }).click();
    await page.getByRole('dialog').getByText('by memory').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await operations()).toBe(count);
  }, 30_000);

  it('shows the failover in the live event feed when a primary is killed', async () => {
    const cluster = await call('GET', `/v1/clusters/${clusterId}`);
    const victim = cluster.shards[0].primary.id as string;
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: /Live events/ }).waitFor();
    const [row] = await cp.api.database.db.select({ pid: nodes.pid }).from(nodes).where(eq(nodes.id, victim));
    process.kill(row!.pid!, 'SIGKILL');
    await page.locator('.feed li[data-type="shard.failover"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await screenshot('6-failover-event');
  }, 90_000);

  it('lists the fleet: every host up', async () => {
    await page.getByRole('link', { name: 'Fleet' }).click();
    for (const h of HOSTS) await page.locator(`tr[data-host="${h.name}"] [data-status="up"]`).waitFor({ timeout: 15_000 });
    await screenshot('7-fleet');
  }, 30_000);

  it('lists operations with their progress', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.locator('[data-testid="operations"] tr', { hasText: 'create' }).locator('[data-status="succeeded"]').waitFor();
    expect(await page.locator('[role="progressbar"][aria-valuenow="100"]').count()).toBeGreaterThan(0);
    await screenshot('8-operations');
  }, 30_000);

  it('deletes a cluster only after the confirmation', async () => {
    await page.goto(`${cp.baseUrl}/console/#/clusters/${clusterId}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await call('GET', `/v1/clusters/${clusterId}`)).status).not.toBe('deleting');
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('h2 [data-status="deleting"], h2 [data-status="deleted"]').first().waitFor({ timeout: 30_000 });
    await screenshot('9-deleting');
  }, 60_000);

  it("shows another tenant's new cluster, with its tenant, turn available without reloading, and acts on it", async () => {
    // A tenant's write key (not the admin's) asks for the cluster through the API.
    const shop = tenantClient(cp.api.app, { authorization: `Bearer ${(await createTenant(cp.api.database.db, 'shop', 'write')).apiKey}` });
    await page.getByRole('link', { name: 'Clusters' }).click();
    await page.getByRole('heading', { name: 'Clusters' }).waitFor();
    await page.evaluate('window.__sameDocument = true');
    const { cluster } = await shop.call('POST', '/v1/clusters', { name: 'shop-cache', shards: 1, replicasPerShard: 0 });
    const row = page.locator('tr[data-cluster="shop-cache"]');
    await row.locator('[data-tenant="shop"]').waitFor({ timeout: 15_000 });
    await row.locator('[data-status="available"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // One tenant's clusters: the admin's own are not among them.
    await page.getByLabel('tenant', { exact: true }).selectOption({ label: 'shop' });
    await expect.poll(() => page.locator('[data-testid="clusters"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-cluster')))).toEqual(['shop-cache']);
    await screenshot('10-another-tenants-cluster');

    await row.getByRole('link', { name: 'shop-cache' }).click();
    await page.locator('.shard[data-shard="0"] [data-status="primary"]').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.locator('h2 [data-status="deleting"], h2 [data-status="deleted"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('p.error').allTextContents()).toEqual([]);
    // The tenant sees what the operator did to its cluster.
    expect(['deleting', 'deleted']).toContain((await shop.call('GET', `/v1/clusters/${cluster.id}`)).status);
  }, 90_000);
});
