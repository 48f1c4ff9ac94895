import { clusters, sql, webhooks, type Db } from '@slotplane/db';
import { CIPHERTEXT_PREFIX, inspect, type Keyring } from '@slotplane/secrets';
import { failpoint } from '@slotplane/worker';

/** Every column that holds a secret, by table. */
const STORES = [
  // previous_password is null outside a password rotation: nulls are skipped, and compared with `is not distinct from`.
  { what: 'cluster passwords', table: clusters, id: clusters.id, columns: [clusters.password, clusters.adminPassword, clusters.replicationPassword, clusters.previousPassword] },
  { what: 'webhook secrets', table: webhooks, id: webhooks.id, columns: [webhooks.secret] },
];
type Store = (typeof STORES)[number];

const PAGE = 200;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Each row's id and secret values, in id order, a page at a time. */
async function* rowsOf(db: Db, store: Store): AsyncGenerator<{ id: string; values: Array<string | null> }> {
  for (let after = NIL_UUID; ; ) {
    const result = await db.execute(sql`
      select ${store.id} as id, array[${sql.join(store.columns, sql`, `)}] as values
      from ${store.table} where ${store.id} > ${after} order by ${store.id} limit ${PAGE}`);
    const page = (result as unknown as { rows: Array<{ id: string; values: Array<string | null> }> }).rows;
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

/** Whether any stored secret is encrypted (then a missing key file is an error, not a first start). */
export async function holdsCiphertext(db: Db): Promise<boolean> {
  for (const store of STORES) {
    const like = sql.join(store.columns.map((c) => sql`${c} like ${`${CIPHERTEXT_PREFIX}%`}`), sql` or `);
    const result = await db.execute(sql`select 1 from ${store.table} where ${like} limit 1`);
    if ((result as unknown as { rows: unknown[] }).rows.length) return true;
  }
  return false;
}

export interface Rewritten {
  /** Values rewritten under the current key, by store ('cluster passwords': 6, ...). */
  rewritten: Record<string, number>;
  /** Of those, the values that were plaintext from a version before encryption. */
  fromPlaintext: number;
  /** Values that were under the current key already. */
  current: number;
}

/**
 * Re-encrypts every stored secret that is not under the ring's current key, plaintext from an
 * earlier version included. One row per statement: a crash leaves each row under the old key or
 * the new, and whoever reads next holds both (rotation keeps the new key beside the old until
 * this is done). Each write is guarded by the values it read, so it never overwrites a change
 * made meanwhile; running it again finishes whatever is left.
 */
export async function reencryptAll(db: Db, ring: Keyring): Promise<Rewritten> {
  const out: Rewritten = { rewritten: {}, fromPlaintext: 0, current: 0 };
  for (const store of STORES) {
    out.rewritten[store.what] = 0;
    for await (const row of rowsOf(db, store)) {
      const held = row.values.filter((v): v is string => v !== null);
      const stale = held.filter((v) => ring.isStale(v));
      out.current += held.length - stale.length;
      if (!stale.length) continue;
      const fresh = row.values.map((v) => (v !== null && ring.isStale(v) ? ring.encrypt(ring.decrypt(v)) : v));
      const set = sql.join(store.columns.map((c, i) => sql`${sql.identifier(c.name)} = ${fresh[i]}`), sql`, `);
      const unchanged = sql.join(store.columns.map((c, i) => sql`${c} is not distinct from ${row.values[i]}`), sql` and `);
      const result = await db.execute(sql`update ${store.table} set ${set} where ${store.id} = ${row.id} and ${unchanged} returning 1`);
      if (!(result as unknown as { rows: unknown[] }).rows.length) continue;
      out.rewritten[store.what]! += stale.length;
      out.fromPlaintext += stale.filter((v) => inspect(v).kind === 'plaintext').length;
      failpoint('rotate-key:after-a-row');
    }
  }
  return out;
}

/**
 * How many stored secrets are under each key, plaintext, or unreadable with this ring. Every
 * encrypted value is decrypted, so "readable" is checked, not assumed from its key id.
 */
export async function tallySecrets(db: Db, ring: Keyring): Promise<{ byKey: Map<string, number>; plaintext: number; unreadable: string[] }> {
  const out = { byKey: new Map<string, number>(), plaintext: 0, unreadable: [] as string[] };
  for (const store of STORES) {
    for await (const row of rowsOf(db, store)) {
      for (const value of row.values) {
        if (value === null) continue;
        try {
          const what = inspect(value);
          if (what.kind === 'plaintext') {
            out.plaintext++;
            continue;
          }
          ring.decrypt(value);
          out.byKey.set(what.keyId, (out.byKey.get(what.keyId) ?? 0) + 1);
        } catch (err) {
          out.unreadable.push(`${store.what} of ${row.id}: ${(err as Error).message}`);
        }
      }
    }
  }
  return out;
}
