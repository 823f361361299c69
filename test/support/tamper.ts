/** Changes the processing log behind the application's back, as the table owner could: the append-only trigger is off for the one statement. */
import type { Queryable } from '../../src/db/database';

/** Runs `sql` on `events` with the append-only trigger disabled, then enables it again whatever happens. */
export async function tamperWithEvents(db: Queryable, sql: string, params: unknown[] = []): Promise<void> {
  await db.query('ALTER TABLE events DISABLE TRIGGER events_no_update');
  try {
    await db.query(sql, params);
  } finally {
    await db.query('ALTER TABLE events ENABLE TRIGGER events_no_update');
  }
}
