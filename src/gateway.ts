/**
 * Assembles one gateway: database (migrated), users, knowledge, NLU, channels, job worker and
 * HTTP app. `main.ts` runs it; tests build it in-process with their own configuration.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';
import { ensureFirstAdmin } from './auth/passwords';
import { loadBotDefinition } from './bot/definition';
import { LiveKnowledge } from './knowledge/view';
import type { ChannelAdapter } from './channels/kit/contract';
import { createChannelRegistry } from './channels/registry';
import { createAdapterRuntime } from './channels/runtime';
import { DEFAULT_ADMIN_PASSWORD, type Config } from './config';
import type { AppContext, DeliveryOptions } from './context';
import { openDatabase, type Database } from './db/database';
import { migrate } from './db/migrate';
import { serveConsole } from './http/console-static';
import { errorHandler } from './http/error-handler';
import { httpRoutes } from './http/routes';
import { loadSettings } from './operations/settings';
import { attachConsoleSocket, type ConsoleSocket } from './realtime/console-socket';
import { socketServerFor } from './realtime/io';
import { releaseAllRunning, type Job } from './jobs/queue';
import { PeriodicTask } from './jobs/periodic';
import { Worker } from './jobs/worker';
import { refreshStats } from './store/stats-rollup';
import { liveTrainingData, seedKnowledge } from './knowledge/seed';
import { readKnowledge } from './knowledge/read-files';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { createNluEngine, loadTrainingData } from './nlu';
import { deliver, DELIVERY_PROBE_MS, probeDeliveries } from './pipeline/dispatcher';
import { processInbound } from './pipeline/process-inbound';
import { DELIVER_JOB } from './pipeline/outbound';
import { INBOUND_JOB } from './pipeline/intake';
import { Bus } from './realtime/bus';
import { FileBlobStore } from './store/attachment-files';

/** How often past days are rolled up for the dashboard (reads also refresh the days they need). */
const STATS_REFRESH_MS = 60_000;

/** Options for embedding and tests. */
export interface GatewayOptions {
  logger?: Logger;
  /** Extra or replacement adapters (tests). */
  adapters?: ChannelAdapter[];
  delivery?: Partial<DeliveryOptions>;
  /** Job lease (default: 120 s); tests shorten it to resume crashed work quickly. */
  jobLeaseMs?: number;
  /** Use this database instead of opening one. */
  db?: Database;
}

/** A running (or ready to run) gateway. */
export interface Gateway {
  ctx: AppContext;
  app: Express;
  server: Server;
  /** The job workers: the inbound lane and the delivery lane. */
  lanes: Worker[];
  /** Starts the workers and the channels' long-running sides (does not listen). */
  start(): Promise<void>;
  /** Stops the worker and channels and closes the database (unless it was given). */
  stop(): Promise<void>;
}

/** Builds a gateway from configuration. */
export async function createGateway(config: Config, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.logger ?? createLogger(config.LOG_LEVEL);
  const db = opts.db ?? (await openDatabase(config.DATABASE_URL, config.DATA_DIR));
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  if (await ensureFirstAdmin(db, config.ADMIN_USERNAME, config.ADMIN_PASSWORD)) {
    const password =
      config.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD
        ? `the default password "${DEFAULT_ADMIN_PASSWORD}"`
        : 'the password from ADMIN_PASSWORD';
    log.warn(
      { username: config.ADMIN_USERNAME },
      `first admin created: log in at http://localhost:${config.PORT}/ as "${config.ADMIN_USERNAME}" with ${password}, then change it at once (Tài khoản → Đổi mật khẩu)`,
    );
  }

  const botDir = resolve(config.BOT_DIR);
  const bot = loadBotDefinition(botDir);
  const fileTraining = loadTrainingData(botDir);
  const seeded = await seedKnowledge(db, readKnowledge(resolve(config.KNOWLEDGE_DIR)), fileTraining);
  if (seeded.procedures || seeded.examples) log.info(seeded, 'knowledge base seeded from files');
  const nlu = createNluEngine({
    engine: config.NLU_ENGINE,
    rasaUrl: config.RASA_URL,
    rasaToken: config.RASA_TOKEN,
    builtin: { threshold: bot.nlu.fallback_threshold, ambiguityThreshold: bot.nlu.ambiguity_threshold },
    log,
  });
  const trainStart = performance.now();
  await nlu.train(await liveTrainingData(db, fileTraining));
  log.info({ engine: nlu.name, ms: Math.round(performance.now() - trainStart) }, 'intent engine trained');
  const knowledge = new LiveKnowledge(db, bot);
  await knowledge.reload();

  const { registry, disabled } = createChannelRegistry(config, opts.adapters);
  log.info({ enabled: [...registry.keys()], disabled }, 'channels');

  let lanes: Worker[] = [];
  const ctx: AppContext = {
    config,
    db,
    log,
    metrics: new Metrics(db),
    bus: new Bus(),
    channels: registry,
    nlu,
    fileTraining,
    knowledge,
    bot,
    blobs: new FileBlobStore(join(resolve(config.DATA_DIR), 'attachments')),
    delivery: { giveUpAfterMs: config.DELIVERY_GIVE_UP_HOURS * 3_600_000, backoffBaseMs: 1000, backoffCapMs: 60_000, ...opts.delivery },
    wake: () => lanes.forEach((lane) => lane.wake()),
  };
  await loadSettings(ctx);
  // Two lanes: inbound processing (CPU and database) and deliveries (waiting on providers), so a
  // slow or failing provider never holds up the citizens' next messages. WORKER_CONCURRENCY=0: intake only.
  const nodeId = config.NODE_ID ?? `${hostname()}:${config.PORT}`;
  const lane = (name: string, kind: string, concurrency: number, handler: (job: Job) => Promise<void>) =>
    new Worker(db, { [kind]: handler }, log, {
      id: `${nodeId}/${name}`,
      concurrency: config.WORKER_CONCURRENCY === 0 ? 0 : concurrency,
      leaseMs: opts.jobLeaseMs,
      onJobDone: (job, outcome, ms) => ctx.metrics.jobLatency.observe({ kind: job.kind, outcome }, ms / 1000),
    });
  const worker = lane('inbound', INBOUND_JOB, config.WORKER_CONCURRENCY, (job) => processInbound(ctx, job));
  lanes = [worker, lane('deliver', DELIVER_JOB, config.DELIVERY_CONCURRENCY, (job) => deliver(ctx, job))];
  const deliveryProbe = new PeriodicTask(
    () => probeDeliveries(ctx),
    DELIVERY_PROBE_MS,
    (err) => log.warn({ err }, 'delivery probe failed'),
  );

  const app = buildApp(ctx);
  const server = createServer(app);
  const started: ChannelAdapter[] = [];
  let consoleSocket: ConsoleSocket | null = null;
  const statsRefresh = new PeriodicTask(
    () => refreshStats(db).then(() => undefined),
    STATS_REFRESH_MS,
    (err) => log.warn({ err }, 'dashboard roll-up refresh failed'),
  );
  return {
    ctx,
    app,
    server,
    lanes,
    async start() {
      // The embedded database has one process: anything "running" was cut off by a crash.
      if (db.kind === 'pglite') await releaseAllRunning(db);
      for (const l of lanes) await l.start();
      if (config.WORKER_CONCURRENCY > 0) deliveryProbe.start();
      statsRefresh.start();
      consoleSocket = attachConsoleSocket(ctx, socketServerFor(server));
      for (const adapter of registry.values()) {
        if (!adapter.start) continue;
        await adapter.start(createAdapterRuntime(ctx, adapter.channel, server));
        started.push(adapter);
      }
    },
    async stop() {
      for (const a of started) await a.stop?.().catch((err) => log.warn({ err, channel: a.channel }, 'channel stop failed'));
      consoleSocket?.close();
      await statsRefresh.stop();
      await deliveryProbe.stop();
      for (const l of lanes) await l.stop();
      if (!opts.db) await db.close();
    },
  };
}

/** The HTTP app: the declared routes (health, metrics, webhooks, NLU, widget, API; see `http/routes.ts`) and the console. */
export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(httpRoutes(ctx).router);
  if (!serveConsole(app)) ctx.log.warn('the web console is not built (console/dist): run `npm run build`');
  app.use(errorHandler(ctx.log));
  return app;
}
