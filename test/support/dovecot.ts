/**
 * A throw-away Dovecot IMAP server for tests: its own config, users, maildirs, sockets and log
 * in a temp dir, listening on a free loopback port, in the foreground (`-F`) as a child process.
 * The test run's global setup installs Dovecot when missing (test/support/services.ts), so a missing
 * server is an error, not a skip.
 *
 * Config reference (2.3): https://doc.dovecot.org/2.3/configuration_manual/
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './services';

/** A test user of the server. */
export interface DovecotUser {
  user: string;
  password: string;
}

/** A running test server. */
export interface Dovecot {
  host: string;
  port: number;
  users: DovecotUser[];
  /** The temp dir holding config, maildirs and `dovecot.log`. */
  dir: string;
  /** The server log so far (for failure messages). */
  log(): string;
  /** Stops the server, keeping its mail, so `start()` can bring it back on the same port (reconnect tests). */
  halt(): Promise<void>;
  /** Starts a halted server again. */
  start(): Promise<void>;
  /** Stops the server and deletes its temp dir. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'];

/** Finds the dovecot binary or throws an error that says how to install it. */
export function dovecotBinary(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v dovecot'], { encoding: 'utf8' }).trim() || missing();
  } catch {
    return missing();
  }
}

function missing(): never {
  throw new Error(
    'Dovecot is not installed: the email adapter tests need a real IMAP server. ' +
      'Install it with `apt-get install -y dovecot-imapd` (Debian/Ubuntu); see test/support/dovecot.ts.',
  );
}

/** Starts a Dovecot with the given users (default: one user `hotline` / `secret-1022`). */
export async function startDovecot(users: DovecotUser[] = [{ user: 'hotline', password: 'secret-1022' }]): Promise<Dovecot> {
  const binary = dovecotBinary();
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  const [major, minor] = version.split(/[.\s]/).map(Number);
  const v24 = major > 2 || (major === 2 && minor >= 4);

  const dir = mkdtempSync(join(tmpdir(), 'dovecot-'));
  // Login processes run as an unprivileged user and must reach the sockets under base_dir.
  chmodSync(dir, 0o755);
  const mailDir = join(dir, 'mail');
  for (const d of ['run', 'state', 'mail']) mkdirSync(join(dir, d));
  const port = await freePort();
  const ids = processIdentity();
  // Dovecot refuses uid 0 for mail access: as root the mail belongs to the `dovecot` user.
  if (ids.asRoot) chownSync(mailDir, ids.mailUid, ids.mailGid);
  writeFileSync(join(dir, 'passwd'), users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o644 });
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, dovecotConfig({ dir, mailDir, port, ...ids }, v24));
  const logPath = join(dir, 'dovecot.log');

  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  const start = async (): Promise<void> => {
    // Its own process group: imap processes outlive the master, so stopping signals the whole group.
    const proc = spawn(binary, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    proc.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        if (proc.pid !== undefined) signalGroup(proc.pid, 'SIGKILL');
        throw new Error(`Dovecot ${version} did not start on 127.0.0.1:${port}.\nstderr: ${stderr}\nlog (${logPath}):\n${log()}`);
      }
      await sleep(50);
    }
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.pid === undefined) return;
    const group = proc.pid;
    signalGroup(group, 'SIGTERM');
    const killer = setTimeout(() => signalGroup(group, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
    // Stray children (imap, log, stats) of the group, if any survived the master.
    signalGroup(group, 'SIGKILL');
    // The master pid file goes away last; a restart before that is refused.
    const deadline = Date.now() + 5_000;
    while (existsSync(join(dir, 'run', 'master.pid')) && Date.now() < deadline) await sleep(20);
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    users,
    dir,
    log,
    halt,
    start,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface ConfigInput {
  dir: string;
  mailDir: string;
  port: number;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  mailUid: number;
  mailGid: number;
}

/**
 * The settings whose names differ between Dovecot 2.3 (Debian bookworm) and 2.4 (Debian trixie; not
 * exercised on bookworm); everything else in `dovecotConfig` is the same for both.
 */
function dialect(c: ConfigInput, v24: boolean): { preamble: string; cleartext: string; mail: string; auth: string } {
  if (!v24) {
    return {
      preamble: '',
      cleartext: 'disable_plaintext_auth = no',
      mail: `mail_location = maildir:${c.mailDir}/%u`,
      auth: `passdb {
  driver = passwd-file
  args = ${c.dir}/passwd
}
userdb {
  driver = static
  args = uid=${c.mailUid} gid=${c.mailGid} home=${c.mailDir}/%u
}`,
    };
  }
  return {
    preamble: 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n',
    cleartext: 'auth_allow_cleartext = yes',
    mail: `mail_driver = maildir
mail_home = ${c.mailDir}/%{user}
mail_path = ${c.mailDir}/%{user}`,
    auth: `passdb passwd-file {
  passwd_file_path = ${c.dir}/passwd
}
userdb static {
  fields {
    uid = ${c.mailUid}
    gid = ${c.mailGid}
    home = ${c.mailDir}/%{user}
  }
}`,
  };
}

/** The server's config file, in the dialect of the installed version. */
function dovecotConfig(c: ConfigInput, v24: boolean): string {
  const d = dialect(c, v24);
  return `# Generated by test/support/dovecot.ts
${d.preamble}instance_name = test-${c.port}
base_dir = ${c.dir}/run
state_dir = ${c.dir}/state
listen = 127.0.0.1
protocols = imap
ssl = no
${d.cleartext}
auth_mechanisms = plain login
log_path = ${c.dir}/dovecot.log
default_internal_user = ${c.internalUser}
default_internal_group = ${c.internalGroup}
default_login_user = ${c.loginUser}
first_valid_uid = 1
${d.mail}
namespace inbox {
  inbox = yes
}
${d.auth}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${c.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

/** Which users the server runs as: ourselves, or (as root, where login processes must not be root) the package's users. */
function processIdentity(): Omit<ConfigInput, 'dir' | 'mailDir' | 'port'> & { asRoot: boolean } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid !== 0) {
    const name = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { asRoot: false, internalUser: name, internalGroup: group, loginUser: name, mailUid: uid, mailGid: gid };
  }
  const dovecot = passwdEntry('dovecot');
  const dovenull = passwdEntry('dovenull');
  if (!dovecot || !dovenull) {
    throw new Error('Running as root needs the `dovecot` and `dovenull` users that the dovecot-core package creates.');
  }
  return {
    asRoot: true,
    internalUser: 'dovecot',
    internalGroup: groupName(dovecot.gid) ?? 'dovecot',
    loginUser: 'dovenull',
    mailUid: dovecot.uid,
    mailGid: dovecot.gid,
  };
}

function passwdEntry(name: string): { uid: number; gid: number } | null {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function groupName(gid: number): string | null {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line ? line.split(':')[0] : null;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // The group is already gone.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
