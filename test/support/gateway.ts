/** Starts a whole gateway in-process for a test, with a fake citizen app as its e-DongThap callback. */
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { ChannelAdapter } from '../../src/channels/kit/contract';
import { FIRST_ADMIN_NAME, hashPassword } from '../../src/auth/passwords';
import { loadConfig, type Config } from '../../src/config';
import type { DeliveryOptions } from '../../src/context';
import type { Database, Queryable } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { createGateway, type Gateway } from '../../src/gateway';
import { readKnowledge } from '../../src/knowledge/read-files';
import type { KnowledgeSeed } from '../../src/knowledge/schema';
import { liveTrainingData, seedKnowledge } from '../../src/knowledge/seed';
import { createLogger } from '../../src/logger';
import { loadTrainingData, type TrainingData } from '../../src/nlu';
import { trainingFingerprint } from '../../src/operations/retrain';
import { findNluModel, insertNluModel } from '../../src/store/nlu-models';
import { countUsers, insertUser } from '../../src/store/users';
import { FakeEdongthap } from '../fakes/fake-edongthap';
import { migratedDatabaseUrl, openTestDatabase, snapshotCopy, touchFile, type DbKind, type SnapshotCopy } from './databases';
import type { Dovecot } from './dovecot';

/** The e-DongThap secret used by tests. */
export const EDT_SECRET = 'test-edongthap-secret';

/** A running test gateway. */
export interface TestGateway {
  gw: Gateway;
  app: Gateway['app'];
  url: string;
  citizenApp: FakeEdongthap;
  databaseUrl: string;
  dataDir: string;
  /** Logs in and returns a bearer header value. */
  login(username?: string, password?: string): Promise<string>;
  /** Posts a signed citizen-app webhook. */
  postCitizen(body: Record<string, unknown>): request.Test;
  /** Stops the gateway (not the fake app). `keepData` keeps the data folder for a restart. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /**
   * The gateway's last 200 log lines at warn and above (kept in memory unless TEST_LOG_LEVEL sends
   * the logs to the output), for the message of a test that timed out waiting: a job's retries and
   * their errors say where the time went.
   */
  recentLogs(): string;
}

/** Options of a test gateway. */
export interface TestGatewayOptions {
  kind: DbKind;
  env?: Record<string, string>;
  adapters?: ChannelAdapter[];
  /** Reuse this database URL / data dir / fake app (restart after a crash). An empty URL means PGlite on disk in the data dir. */
  databaseUrl?: string;
  dataDir?: string;
  citizenApp?: FakeEdongthap;
  delivery?: Partial<DeliveryOptions>;
  jobLeaseMs?: number;
  jobPollMs?: number;
  listen?: boolean;
  /** Keep the first admin's "must change password" flag (default: cleared, so `login()` gives a usable admin token). */
  firstAdminMustChangePassword?: boolean;
  /**
   * Start with the intent models earlier test gateways trained (see `MODEL_DIR`), stored in the new
   * database as another node would have stored them: a gateway whose phrases match loads one
   * instead of training; the admin and the knowledge are then made before the gateway starts
   * (`prepareDatabase`). Default: true; false for tests about a gateway's own first start (training
   * and storing models).
   */
  reuseModels?: boolean;
}

/**
 * Models trained by earlier test gateways (any test file or worker, this run or an earlier one), one
 * file per training fingerprint and engine format (`<fingerprint>-<format hash>.json`): neither can
 * match a model of other code or phrases.
 */
const MODEL_DIR = join(tmpdir(), 'cong1022-test-models');

/** How many model files are kept, the last used: fewer than the store's `KEEP_MODELS`, so all of them and one trained here fit. */
const KEPT_MODEL_FILES = 3;

/** The model files, last used first (another worker may be removing some meanwhile). */
function modelFiles(): string[] {
  const files = existsSync(MODEL_DIR) ? readdirSync(MODEL_DIR).filter((f) => f.endsWith('.json')) : [];
  const dated = files.flatMap((f) => {
    try {
      return [{ path: join(MODEL_DIR, f), at: statSync(join(MODEL_DIR, f)).mtimeMs }];
    } catch {
      return [];
    }
  });
  return dated.sort((a, b) => b.at - a.at).map((d) => d.path);
}

/** A model file's name: the fingerprint first, so that the files of some phrases are found by name. */
function modelFileName(fingerprint: string, formatVersion: string): string {
  return `${fingerprint}-${createHash('sha256').update(formatVersion).digest('hex').slice(0, 16)}.json`;
}

/** The knowledge and phrase files of a gateway's settings, read once per test file, with a hash of what was read. */
const readSeeds = new Map<string, { seeds: { knowledge: KnowledgeSeed; training: TrainingData }; hash: string }>();

function seedsOf(config: Config): { seeds: { knowledge: KnowledgeSeed; training: TrainingData }; hash: string } {
  const key = `${resolve(config.KNOWLEDGE_DIR)}\n${resolve(config.BOT_DIR)}`;
  let read = readSeeds.get(key);
  if (!read) {
    const seeds = { knowledge: readKnowledge(resolve(config.KNOWLEDGE_DIR)), training: loadTrainingData(resolve(config.BOT_DIR)) };
    read = { seeds, hash: createHash('sha256').update(key).update(JSON.stringify(seeds)).digest('hex') };
    readSeeds.set(key, read);
  }
  return read;
}

/**
 * A new database with what `prepareDatabase` writes, copied from a snapshot made once per run for
 * these settings' knowledge and phrases, admin and kept model files (their names say their content),
 * so that a test gateway's start does not write it all again (a second of CPU on PostgreSQL, two on
 * PGlite). Once it is open, `touchModelsOf` marks the model files it holds as used.
 */
async function preparedCopy(kind: DbKind, config: Config, mustChangePassword: boolean): Promise<SnapshotCopy> {
  const models = modelFiles().map((f) => basename(f));
  const key = JSON.stringify({
    seeds: seedsOf(config).hash,
    admin: [config.ADMIN_USERNAME, config.ADMIN_PASSWORD, mustChangePassword],
    models: [...models].sort(),
  });
  return snapshotCopy(kind, key, (db) => prepareDatabase(db, config, mustChangePassword));
}

/** Admin password hashes, made once per password and test file (argon2 costs a fifth of a second of CPU a hash). */
const adminHashes = new Map<string, Promise<string>>();

/**
 * Does what the gateway would do first on a new database, with what earlier test gateways made:
 * the test admin with a hash made once (`mustChangePassword`: its first-login flag), the knowledge
 * and phrases seeded from the gateway's files, and the kept model trained on those phrases stored
 * as another node would have, so that the gateway loads it instead of training. The gateway then
 * finds all of this done. Only that model: a model is megabytes, and a test with phrases of its own
 * keeps its own file. Also for tests that start their gateways themselves (restarts on one database,
 * child processes): called once, before the first start.
 */
export async function prepareDatabase(db: Database, config: Config, mustChangePassword = false): Promise<void> {
  const { seeds } = seedsOf(config);
  await migrate(db);
  if (!(await countUsers(db))) {
    if (!adminHashes.has(config.ADMIN_PASSWORD)) adminHashes.set(config.ADMIN_PASSWORD, hashPassword(config.ADMIN_PASSWORD));
    const passwordHash = await adminHashes.get(config.ADMIN_PASSWORD)!;
    await insertUser(db, {
      username: config.ADMIN_USERNAME,
      displayName: FIRST_ADMIN_NAME,
      role: 'admin',
      passwordHash,
      mustChangePassword,
    });
  }
  await seedKnowledge(db, seeds.knowledge, seeds.training);
  const fingerprint = trainingFingerprint(await liveTrainingData(db, seeds.training));
  // Every kept file of these phrases: most often one, but checkouts of other code (another engine
  // format, which the gateway refuses) may share the folder.
  const stored = await db.query<{ format_version: string }>('SELECT format_version FROM nlu_models WHERE fingerprint = $1', [fingerprint]);
  const have = new Set(stored.rows.map((r) => r.format_version));
  for (const file of modelFilesOf(fingerprint)) {
    const model = readModelFile(file);
    if (!model) continue;
    if (!have.has(model.formatVersion)) await insertNluModel(db, model);
    // Kept by last use: the default phrases' model outlives those of tests that edit phrases.
    touchFile(file);
  }
}

/** Marks the kept model files of the models `db` holds as used, as `prepareDatabase` does. */
async function touchModelsOf(db: Queryable): Promise<void> {
  const held = (await db.query<{ fingerprint: string }>('SELECT DISTINCT fingerprint FROM nlu_models')).rows;
  for (const { fingerprint } of held) for (const file of modelFilesOf(fingerprint)) touchFile(file);
}

/** The kept model files of models trained on `fingerprint`'s phrases (one per engine format). */
function modelFilesOf(fingerprint: string): string[] {
  return modelFiles().filter((f) => basename(f).startsWith(`${fingerprint}-`));
}

type KeptModel = { fingerprint: string; formatVersion: string; bytes: Buffer };
/** Model files already read by this test file's gateways (a file never changes once written: its name is its key). */
const readModels = new Map<string, KeptModel>();

/** A kept model file, read and decoded once per test file; undefined when another worker removed it meanwhile. */
function readModelFile(file: string): KeptModel | undefined {
  let model = readModels.get(file);
  if (!model) {
    let m: { fingerprint: string; formatVersion: string; bytes: string };
    try {
      m = JSON.parse(readFileSync(file, 'utf8')) as typeof m;
    } catch {
      return undefined;
    }
    model = { fingerprint: m.fingerprint, formatVersion: m.formatVersion, bytes: Buffer.from(m.bytes, 'base64') };
    readModels.set(file, model);
  }
  return model;
}

/** Keeps the model `db` holds last for the next test gateways (the `KEPT_MODEL_FILES` last used files are kept). */
async function keepTrainedModel(db: Database): Promise<void> {
  const r = await db
    .query<{ id: string; fingerprint: string; format_version: string }>(
      `SELECT id::text AS id, fingerprint, format_version FROM nlu_models ORDER BY id DESC LIMIT 1`,
    )
    .catch(() => null);
  const latest = r?.rows[0];
  if (!latest) return;
  const file = join(MODEL_DIR, modelFileName(latest.fingerprint, latest.format_version));
  if (existsSync(file)) return;
  const model = await findNluModel(db, latest.id);
  if (!model) return;
  mkdirSync(MODEL_DIR, { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(
    partial,
    JSON.stringify({ fingerprint: model.fingerprint, formatVersion: model.formatVersion, bytes: model.bytes.toString('base64') }),
  );
  renameSync(partial, file);
  for (const f of modelFiles().slice(KEPT_MODEL_FILES)) rmSync(f, { force: true });
}

/** The admin every test gateway creates; `login()` signs in as it. */
export const TEST_ADMIN = { username: 'admin', password: 'admin-password-1' };

/** Settings every test gateway shares: its database and data folder, quiet logs (unless TEST_LOG_LEVEL), the test admin. */
export function baseTestEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
  };
}

/** Settings of a gateway whose email channel uses a test Dovecot (its first user's mailbox) and SMTP sink, sending as `mailFrom`. */
export function mailServerEnv(dovecot: Dovecot, smtp: { host: string; port: number }, mailFrom: string): Record<string, string> {
  const { user, password } = dovecot.users[0];
  return {
    IMAP_HOST: dovecot.host,
    IMAP_PORT: String(dovecot.port),
    IMAP_SECURE: 'false',
    IMAP_USER: user,
    IMAP_PASSWORD: password,
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port),
    SMTP_SECURE: 'false',
    MAIL_FROM: mailFrom,
  };
}

/** Signs a body as the citizen app does. */
export function signEdt(raw: string): string {
  return `sha256=${createHmac('sha256', EDT_SECRET).update(raw).digest('hex')}`;
}

/** Starts a gateway for a test. */
export async function startTestGateway(opts: TestGatewayOptions): Promise<TestGateway> {
  const citizenApp = opts.citizenApp ?? new FakeEdongthap(EDT_SECRET);
  const callbackUrl = opts.citizenApp ? (citizenApp as FakeEdongthap & { url?: string }).url! : await citizenApp.start();
  (citizenApp as FakeEdongthap & { url?: string }).url = callbackUrl;
  // A start that fails (a bad setting, a migration) releases what it opened: a server left listening keeps Jest from exiting.
  const opened: { db?: Awaited<ReturnType<typeof openTestDatabase>>; gw?: Gateway } = {};
  try {
    return await startOn(citizenApp, callbackUrl, opts, opened);
  } catch (err) {
    await opened.gw?.stop().catch(() => undefined);
    await opened.db?.close().catch(() => undefined);
    if (!opts.citizenApp) await citizenApp.stop();
    throw err;
  }
}

async function startOn(
  citizenApp: FakeEdongthap,
  callbackUrl: string,
  opts: TestGatewayOptions,
  opened: { db?: Awaited<ReturnType<typeof openTestDatabase>>; gw?: Gateway },
): Promise<TestGateway> {
  // An empty DATABASE_URL is "unset": PGlite on disk under DATA_DIR.
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'cong1022-'));
  const configOn = (databaseUrl: string) =>
    loadConfig({
      ...baseTestEnv(databaseUrl, dataDir),
      EDONGTHAP_SECRET: EDT_SECRET,
      EDONGTHAP_CALLBACK_URL: callbackUrl,
      LIVECHAT_ENABLED: 'false',
      ...opts.env,
    });
  const reuseModels = opts.reuseModels !== false;
  const mustChangePassword = !!opts.firstAdminMustChangePassword;
  // A new database starts prepared (a snapshot's copy); one handed over (a restart) is prepared again, which is idempotent.
  const prepared =
    opts.databaseUrl === undefined && reuseModels ? await preparedCopy(opts.kind, configOn('memory://'), mustChangePassword) : null;
  const databaseUrl = opts.databaseUrl ?? prepared?.url ?? (await migratedDatabaseUrl(opts.kind));
  const config = configOn(databaseUrl);
  const db = await openTestDatabase(config.DATABASE_URL ?? '', config.DATA_DIR, { pgliteImage: prepared?.image });
  opened.db = db;
  if (reuseModels && !prepared) await prepareDatabase(db, config, mustChangePassword);
  if (prepared) await touchModelsOf(db);
  const recent: string[] = [];
  const memory = {
    write(line: string) {
      if (recent.push(line) > 200) recent.shift();
    },
  };
  const gw = await createGateway(config, {
    logger: process.env.TEST_LOG_LEVEL ? createLogger(config.LOG_LEVEL) : createLogger('warn', memory),
    adapters: opts.adapters,
    db,
    delivery: { giveUpAfterMs: 2_000, backoffBaseMs: 20, ...opts.delivery },
    jobLeaseMs: opts.jobLeaseMs,
    jobPollMs: opts.jobPollMs,
  });
  opened.gw = gw;
  // A prepared database has the admin with its flag already; the gateway made its own otherwise.
  if (!reuseModels && !opts.firstAdminMustChangePassword) await skipFirstPasswordChange(db);
  await gw.start();
  let url = '';
  if (opts.listen !== false) {
    await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
  }
  return {
    gw,
    app: gw.app,
    url,
    citizenApp,
    databaseUrl,
    dataDir,
    async login(username = TEST_ADMIN.username, password = TEST_ADMIN.password) {
      const res = await request(gw.app).post('/api/auth/token').send({ username, password }).expect(200);
      return `Bearer ${res.body.token}`;
    },
    postCitizen(body) {
      const raw = JSON.stringify(body);
      return request(gw.app).post('/webhooks/edongthap').set('content-type', 'application/json').set('x-signature', signEdt(raw)).send(raw);
    },
    async stop(stopOpts = {}) {
      if (gw.server.listening) await new Promise<void>((r) => gw.server.close(() => r()));
      await gw.stop();
      if (reuseModels) await keepTrainedModel(db);
      await db.close().catch(() => undefined);
      if (!stopOpts.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    recentLogs: () => recent.join('') || '(nothing logged at warn or above)',
  };
}

let seq = 0;
/** A citizen-app message body with a fresh id. */
export function citizenMessage(userId: string, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    id: `m-${Date.now()}-${seq}`,
    userId,
    name: 'Nguyễn Văn A',
    phone: '0909123456',
    text,
    attachments: [],
    timestamp: Date.now(),
    ...extra,
  };
}

/** Runs `fn` with a test gateway, then stops it and its fake citizen app whatever happens. */
export async function withTestGateway<T>(opts: TestGatewayOptions, fn: (t: TestGateway) => Promise<T>): Promise<T> {
  const t = await startTestGateway(opts);
  try {
    return await fn(t);
  } finally {
    await t.stop();
    await t.citizenApp.stop();
  }
}

/** Lets the test admin use the API at once (the server otherwise allows only a password change until the first one). */
export async function skipFirstPasswordChange(db: Queryable): Promise<void> {
  await db.query('UPDATE users SET must_change_password = false WHERE username = $1', [TEST_ADMIN.username]);
}
