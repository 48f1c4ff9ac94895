import { sql, type SQL } from 'drizzle-orm';

/**
 * A whole list as ONE parameter (`'{1,2,3}'::int[]`), for `= any(...)` and `unnest(...)`:
 * drizzle spreads a JS array into one parameter per element, and a statement over thousands of
 * slots then costs more to build and parse than to run. Numbers and UUIDs only, which need no
 * quoting inside an array literal.
 */
export function pgArray(values: ReadonlyArray<number | string>, type: 'int' | 'bigint' | 'uuid'): SQL {
  for (const v of values) {
    if (typeof v === 'number' ? !Number.isInteger(v) : !/^[0-9a-f-]+$/i.test(v)) throw new Error(`pgArray: ${String(v)} is not an integer or a UUID`);
  }
  return sql`${`{${values.join(',')}}`}::${sql.raw(type)}[]`;
}
