/**
 * Jest global setup: provisions the suite's system services (see ./services.ts) unless the
 * `npm test` runner already did. A throw-away PostgreSQL server is started when
 * TEST_DATABASE_URL names none; workers inherit the URL through the environment.
 */
import { describeServices, ensureSystemPackages, startPostgres, type PostgresServer } from './services';

declare global {
  var __cong1022Postgres: PostgresServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_SERVICES_READY === '1') return;
  const say = (line: string): void => void process.stdout.write(`\n[test services] ${line}`);
  ensureSystemPackages(say);
  let started = false;
  if (!process.env.TEST_DATABASE_URL) {
    globalThis.__cong1022Postgres = await startPostgres();
    process.env.TEST_DATABASE_URL = globalThis.__cong1022Postgres.url;
    started = true;
  }
  for (const line of describeServices(process.env.TEST_DATABASE_URL, started)) say(line);
  process.stdout.write('\n');
}
