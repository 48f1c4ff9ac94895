import { doublePrecision, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Running totals behind the API's Prometheus counters and histograms: added to in the same
 * transaction as the event they count (appendEvent), never rebuilt from rows that come and go
 * (events pruned, clusters deleted), so a counter only goes up. `labels` is the series' label
 * set as `k=v,k=v` in a fixed order ('' for none).
 */
export const metricTotals = pgTable(
  'metric_totals',
  {
    name: text('name').notNull(),
    labels: text('labels').notNull().default(''),
    value: doublePrecision('value').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.name, t.labels] })],
);
