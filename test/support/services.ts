/**
 * The system services the test suite runs against, provisioned on demand so that `npm test` passes
 * on a fresh Debian machine: a throw-away PostgreSQL server started from the Debian binaries,
 * Dovecot (IMAP) for the email suites and Chromium for the browser suites. Missing Debian packages
 * are installed with apt-get when running as root; otherwise the run stops with one line naming them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A system dependency of the suite: how to find it and which Debian package brings it. */
interface SystemNeed {
  what: string;
  debianPackage: string;
  find(): string | undefined;
}

const POSTGRES_ROOT = '/usr/lib/postgresql';

/** The newest installed PostgreSQL `bin` directory that has `initdb`, if any. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((v) => existsSync(join(POSTGRES_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(POSTGRES_ROOT, versions[0], 'bin') : undefined;
}

const firstExisting = (...paths: string[]): string | undefined => paths.find((p) => existsSync(p));

/** Where the system Chromium lives (default: /usr/bin/chromium; override with CHROMIUM_PATH). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const POSTGRES: SystemNeed = { what: 'PostgreSQL server', debianPackage: 'postgresql', find: postgresBinDir };
const DOVECOT: SystemNeed = {
  what: 'Dovecot IMAP server',
  debianPackage: 'dovecot-imapd',
  find: () => firstExisting('/usr/sbin/dovecot', '/usr/local/sbin/dovecot'),
};
const CHROMIUM: SystemNeed = { what: 'Chromium', debianPackage: 'chromium', find: () => firstExisting(CHROMIUM_PATH) };
const NEEDS = [POSTGRES, DOVECOT, CHROMIUM];

const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Makes sure every system dependency is installed: as root, installs the missing Debian packages
 * in one apt-get call; otherwise throws one line that names them.
 */
export function ensureSystemPackages(log: (line: string) => void = () => {}): void {
  const missing = NEEDS.filter((n) => !n.find());
  if (!missing.length) return;
  const packages = missing.map((n) => n.debianPackage);
  if (!isRoot()) {
    throw new Error(
      `Missing Debian package(s) ${packages.join(', ')}: run \`sudo apt-get install -y ${packages.join(' ')}\` (or run the tests as root).`,
    );
  }
  log(`installing Debian packages: ${packages.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args: string[]): void => {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}): ${r.stderr?.trim().split('\n').slice(-3).join(' | ')}`);
  };
  run(['update', '-qq']);
  run(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  const still = missing.filter((n) => !n.find());
  if (still.length)
    throw new Error(`apt-get installed ${packages.join(', ')} but ${still.map((n) => n.what).join(', ')} is still not found.`);
}

/** One line per service the suite uses, with its version, for the start of a test run. */
export function describeServices(databaseUrl: string, started: boolean): string[] {
  const version = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .split('\n')[0];
    } catch {
      return 'version unknown';
    }
  };
  const pgBin = postgresBinDir();
  const pgVersion = pgBin ? version(join(pgBin, 'postgres'), ['--version']) : 'version unknown';
  const where = new URL(databaseUrl);
  return [
    `databases: PGlite (embedded, in memory) and PostgreSQL at ${where.host} (${started ? `throw-away server, ${pgVersion}` : 'TEST_DATABASE_URL'})`,
    `IMAP: Dovecot ${version(DOVECOT.find()!, ['--version'])}; SMTP: smtp-server (in-process)`,
    `browser: ${version(CHROMIUM_PATH, ['--version'])} driven by playwright-core`,
  ];
}

/** A running throw-away PostgreSQL server. */
export interface PostgresServer {
  /** A superuser URL to the `postgres` database. */
  url: string;
  stop(): void;
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts a throw-away PostgreSQL server in a temp directory on a free loopback port (as the
 * `postgres` system user when root, since PostgreSQL refuses to run as root). Tests trade
 * durability for speed (fsync off); `durable: true` (benchmarks) keeps PostgreSQL's defaults;
 * `settings` are more `postgresql.conf` lines (e.g. a preloaded library); `keepLog`: a file the
 * server's log is copied to when it stops (the rest of its directory is removed).
 */
export async function startPostgres(
  options: { durable?: boolean; port?: number; settings?: string[]; keepLog?: string } = {},
): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package postgresql).');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'cong1022-pg-'));
  const asUser = isRoot() ? ensurePostgresUser() : undefined;
  if (asUser) chownSync(dir, asUser.uid, asUser.gid);
  const run = (file: string, args: string[]): void => {
    const r = spawnSync(join(bin, file), args, {
      uid: asUser?.uid,
      gid: asUser?.gid,
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.status !== 0) throw new Error(`${file} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const settings = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${port}`,
    `unix_socket_directories = '${dir}'`,
    'max_connections = 300',
    'shared_buffers = 256MB',
    ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
    ...(options.settings ?? []),
  ];
  writeFileSync(join(data, 'postgresql.auto.conf'), settings.join('\n') + '\n');
  if (asUser) chownSync(join(data, 'postgresql.auto.conf'), asUser.uid, asUser.gid);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], {
        uid: asUser?.uid,
        gid: asUser?.gid,
        stdio: 'ignore',
      });
      if (options.keepLog) copyFileSync(join(dir, 'server.log'), options.keepLog);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The `postgres` system user's ids, creating the user when the package did not. */
function ensurePostgresUser(): { uid: number; gid: number } {
  const ids = (): { uid: number; gid: number } | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = ids();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
  return ids()!;
}
