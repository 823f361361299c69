/** Jest global teardown: stops the PostgreSQL server that the global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  globalThis.__cong1022Postgres?.stop();
  globalThis.__cong1022Postgres = undefined;
}
