/**
 * Assembles one gateway: database (migrated), users, knowledge, NLU, channels, job worker and
 * HTTP app. `main.ts` runs it; tests build it in-process with their own configuration.
 */
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import express, { json, type Express } from 'express';
import { authenticate } from './auth/middleware';
import { ensureFirstAdmin } from './auth/users';
import { loadBotDefinition } from './bot/definition';
import { LiveKnowledge } from './bot/knowledge-view';
import type { ChannelAdapter } from './channels/contract';
import { createChannelRegistry } from './channels/registry';
import { createAdapterRuntime } from './channels/runtime';
import { DEFAULT_ADMIN_PASSWORD, type Config } from './config';
import type { AppContext, DeliveryOptions } from './context';
import { openDatabase, type Database } from './db/database';
import { migrate } from './db/migrate';
import { adminRouter } from './http/api-admin';
import { authRouter, meRouter } from './http/api-auth';
import { conversationRouter } from './http/api-conversations';
import { dashboardRouter } from './http/api-dashboard';
import { inboxRouter } from './http/api-inbox';
import { kbRouter } from './http/api-kb';
import { statsRouter } from './http/api-stats';
import { ticketWorkflowRouter } from './http/api-ticket-workflow';
import { ticketRouter } from './http/api-tickets';
import { ticketLogRouter } from './http/ticket-log';
import { serveConsole } from './http/console-static';
import { errorHandler } from './http/error-handler';
import { openApiDocument } from './http/openapi';
import { webhookRouter } from './http/webhooks';
import { loadSettings } from './operations/settings';
import { attachConsoleSocket, type ConsoleSocket } from './realtime/console-socket';
import { socketServerFor } from './realtime/io';
import { releaseAllRunning } from './jobs/queue';
import { PeriodicTask } from './jobs/periodic';
import { Worker } from './jobs/worker';
import { refreshStats } from './store/stats-rollup';
import { liveTrainingData, seedKnowledge } from './kb/seed';
import { readKnowledge } from './knowledge/read-files';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { createNluEngine, loadTrainingData } from './nlu';
import { deliver } from './pipeline/dispatcher';
import { processInbound } from './pipeline/process-inbound';
import { DELIVER_JOB } from './pipeline/outbound';
import { INBOUND_JOB } from './pipeline/intake';
import { projectPath } from './paths';
import { Bus } from './realtime/bus';
import { FileBlobStore } from './storage/attachment-store';

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
  worker: Worker;
  /** Starts the worker and the channels' long-running sides (does not listen). */
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
    const password = config.ADMIN_PASSWORD === DEFAULT_ADMIN_PASSWORD ? `the default password "${DEFAULT_ADMIN_PASSWORD}"` : 'the password from ADMIN_PASSWORD';
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

  let worker: Worker | null = null;
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
    delivery: { maxAttempts: 15, backoffBaseMs: 1000, ...opts.delivery },
    wake: () => worker?.wake(),
  };
  await loadSettings(ctx);
  worker = new Worker(
    db,
    { [INBOUND_JOB]: (job) => processInbound(ctx, job), [DELIVER_JOB]: (job) => deliver(ctx, job) },
    log,
    {
      concurrency: config.WORKER_CONCURRENCY,
      leaseMs: opts.jobLeaseMs,
      onJobDone: (job, outcome, ms) => ctx.metrics.jobLatency.observe({ kind: job.kind, outcome }, ms / 1000),
    },
  );

  const app = buildApp(ctx);
  const server = createServer(app);
  const started: ChannelAdapter[] = [];
  let consoleSocket: ConsoleSocket | null = null;
  const statsRefresh = new PeriodicTask(() => refreshStats(db).then(() => undefined), STATS_REFRESH_MS, (err) => log.warn({ err }, 'dashboard roll-up refresh failed'));
  return {
    ctx,
    app,
    server,
    worker,
    async start() {
      // The embedded database has one process: anything "running" was cut off by a crash.
      if (db.kind === 'pglite') await releaseAllRunning(db);
      worker!.start();
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
      await worker!.stop();
      if (!opts.db) await db.close();
    },
  };
}

/** The HTTP app: health, metrics, webhooks, NLU, API, widget and console. */
export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await ctx.db.query('SELECT 1');
      res.json({ ok: true, database: ctx.db.kind });
    } catch {
      res.status(503).json({ ok: false });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
  app.use('/webhooks', webhookRouter(ctx));
  app.post('/model/parse', json({ limit: '64kb' }), async (req, res) => {
    const text = typeof req.body?.text === 'string' ? req.body.text : null;
    if (text === null) {
      res.status(400).json({ error: 'Body must be {"text": "…"}' });
      return;
    }
    res.json(await ctx.nlu.parse(text));
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  const api = express.Router();
  api.use(json({ limit: '1mb' }));
  api.use(authRouter(ctx));
  api.use(authenticate(ctx.db));
  api.use(meRouter(ctx));
  api.use(adminRouter(ctx));
  // Before the ticket router: in approval mode it answers an agency's reply itself.
  api.use(ticketWorkflowRouter(ctx));
  api.use(ticketLogRouter(ctx));
  api.use(ticketRouter(ctx));
  api.use(inboxRouter(ctx));
  api.use(conversationRouter(ctx));
  api.use(dashboardRouter(ctx));
  api.use(statsRouter(ctx));
  api.use(kbRouter(ctx));
  api.use((_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });
  app.use('/api', api);
  app.get('/widget.js', (_req, res) => {
    res.type('application/javascript').sendFile(projectPath('adapters', 'livechat', 'widget', 'widget.js'));
  });
  if (!serveConsole(app)) ctx.log.warn('the web console is not built (console/dist): run `npm run build`');
  app.use(errorHandler(ctx.log));
  return app;
}
