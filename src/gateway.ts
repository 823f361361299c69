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
import { emergencyIntents } from './bot/emergency';
import { LiveKnowledge } from './knowledge/view';
import type { ChannelAdapter } from './channels/kit/contract';
import { createChannelRegistry } from './channels/registry';
import { createAdapterRuntime } from './channels/runtime';
import { DEFAULT_ADMIN_PASSWORD, type Config } from './config';
import type { AppContext, DeliveryOptions } from './context';
import { openDatabase, type Database } from './db/database';
import { migrate } from './db/migrate';
import { createLeadership, withStartLock, type RoleHandle } from './db/locks';
import { serveConsole } from './http/console-static';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { hardenGateway } from './http/hardening';
import { httpRoutes } from './http/routes';
import { SERVER_OPTIONS } from './http/server-limits';
import { securityHeaders } from './http/security-headers';
import { loadSecretsKey } from './auth/secret-box';
import { loadSettings } from './operations/settings';
import { adoptStartedModel, startModel, stopRetraining } from './operations/retrain';
import { attachConsoleSocket, type ConsoleSocket } from './realtime/console-socket';
import { trackPresence, type FloorPresence } from './realtime/floor-presence';
import { relaySeenMarkers } from './realtime/seen-relay';
import { createFloor, type FloorRunner } from './operations/routing';
import { socketServerFor } from './realtime/io';
import { ChannelSlots } from './jobs/channel-slots';
import { IntakePressure, type ClaimGate } from './jobs/intake-pressure';
import { releaseAllRunning } from './jobs/queue';
import { PeriodicTask } from './jobs/periodic';
import { Worker, type JobHandler } from './jobs/worker';
import type { ClaimJobs, Job } from './jobs/queue';
import { AGENCY_MAIL_JOB, remindAgencies, REMINDER_EVERY_MS, sendAgencyMail } from './operations/agency-notify';
import { refreshStats } from './store/stats-rollup';
import { claimInboundJobs } from './store/inbound-events';
import { claimDeliveries, sentRecorder } from './store/deliveries';
import { liveTrainingData, seedKnowledge } from './knowledge/seed';
import { readKnowledge } from './knowledge/read-files';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';
import { createNluEngine, loadTrainingData } from './nlu';
import { deliver, DELIVERY_PROBE_MS, failAbandoned, probeDeliveries } from './pipeline/dispatcher';
import { FETCH_MEDIA_JOB, fetchMedia } from './pipeline/fetch-media';
import { inboundWriter, processInbound } from './pipeline/process-inbound';
import { DELIVER_JOB } from './pipeline/outbound';
import { inboundIntake, INBOUND_JOB } from './pipeline/intake';
import { followSharedChanges } from './realtime/cache-sync';
import { createRealtime } from './realtime/realtime';
import { createBlobStore, sweepUnfinishedBlobs } from './store/database-blobs';

/** How often past days are rolled up for the dashboard (reads also refresh the days they need). */
const STATS_REFRESH_MS = 60_000;
/** How often the chunks of attachment blobs left unfinished by a crash are swept. */
const BLOB_SWEEP_MS = 3_600_000;
/**
 * Most inbound messages processed at once on PGlite: its single engine runs one statement at a time, and a
 * group of messages holds it for its whole transaction, so wider groups save CPU but make webhooks wait.
 * Measured (docs/performance.md, "The flood gate and a cap per channel"): 8 inbound and 12 deliveries give
 * 172–179 conversations/s against 140–152 with 4 and 8, now that the flood gate keeps the intake first
 * (before it, 8 took the intake under a flood to 52 %).
 */
const PGLITE_INBOUND_LANE = 8;
/** Most deliveries in flight at once on PGlite (9 of them for one channel: `DELIVERY_PER_CHANNEL`'s default). */
const PGLITE_DELIVERY_LANE = 12;
/**
 * Most deliveries in flight at once while webhooks flood in (`IntakePressure`): answers already
 * decided keep going out, but a wide lane would take the CPU the acknowledgements need (measured
 * with 128-wide lanes: the intake under a flood at 37 % of the ceiling, 47–48 % with this;
 * docs/performance.md, "Wider lanes").
 */
const DELIVERIES_UNDER_FLOOD = 32;

/** Options for embedding and tests. */
export interface GatewayOptions {
  logger?: Logger;
  /** Extra or replacement adapters (tests). */
  adapters?: ChannelAdapter[];
  delivery?: Partial<DeliveryOptions>;
  /** Job lease (default: 120 s); tests shorten it to resume crashed work quickly. */
  jobLeaseMs?: number;
  /** How often an idle job lane looks for work it was not woken for (default: 500 ms). */
  jobPollMs?: number;
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
  /** The hotline floor on this node: automatic assignment, presence upkeep, alerts (`floor.tick()` runs a round now). */
  floor: FloorRunner;
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
  // Under the start-up lock: nodes started together on an empty database create one admin, not a crash.
  if (await withStartLock(db, (tx) => ensureFirstAdmin(tx, config.ADMIN_USERNAME, config.ADMIN_PASSWORD))) {
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
    builtin: {
      threshold: bot.nlu.fallback_threshold,
      ambiguityThreshold: bot.nlu.ambiguity_threshold,
      urgentIntents: emergencyIntents(bot),
    },
    log,
  });
  const trainStart = performance.now();
  const training = await liveTrainingData(db, fileTraining);
  // The model another node (or an earlier start) trained on these phrases, or a training here.
  const model = await startModel({ db, nlu, log }, training);
  log.info(
    { engine: nlu.name, ms: Math.round(performance.now() - trainStart), modelId: model.modelId },
    model.from === 'stored' ? 'intent model loaded from the database' : 'intent engine trained',
  );
  const knowledge = new LiveKnowledge(db, bot);
  await knowledge.reload();

  const { registry, disabled } = createChannelRegistry(config, opts.adapters);
  log.info({ enabled: [...registry.keys()], disabled }, 'channels');

  const realtime = createRealtime(db, log);
  const nodeId = config.NODE_ID ?? `${hostname()}:${config.PORT}`;
  let lanes: Worker[] = [];
  const secrets = loadSecretsKey(config.SECRETS_KEY, config.DATA_DIR);
  if (secrets.source === 'created')
    log.warn('SECRETS_KEY is unset: generated a key in DATA_DIR/secrets.key (set SECRETS_KEY on every node of a cluster)');
  const metrics = new Metrics(db);
  const ctx: AppContext = {
    config,
    db,
    log,
    metrics,
    bus: realtime.bus,
    channels: registry,
    nlu,
    fileTraining,
    knowledge,
    bot,
    blobs: createBlobStore(db, config.BLOB_STORE, join(resolve(config.DATA_DIR), 'attachments')),
    leadership: createLeadership(db, { nodeId, checkMs: config.LEADER_CHECK_SECONDS * 1000, log }),
    delivery: { giveUpAfterMs: config.DELIVERY_GIVE_UP_HOURS * 3_600_000, backoffBaseMs: 1000, backoffCapMs: 60_000, ...opts.delivery },
    intake: new IntakePressure(config.INTAKE_PRIORITY_MS, () => metrics.intakeYields.inc()),
    storeInbound: inboundIntake(db),
    // One inbound transaction at a time: the messages whose processing starts meanwhile wait for it
    // and go together in the next (measured: larger groups, a third less CPU per conversation, than
    // two transactions at once; docs/performance.md, "Inbound messages in groups").
    writeInbound: inboundWriter(db, { maxItems: 64, maxInFlight: 1 }),
    recordSent: sentRecorder(db),
    wake: (kind) => lanes.forEach((lane) => (!kind || lane.handles(kind)) && lane.wake()),
    deliveryLane: null,
    secretsKey: secrets.key,
  };
  ctx.metrics.setKnownIntents(training.intents.map((i) => i.name));
  adoptStartedModel(ctx, model);
  await loadSettings(ctx);
  // Two lanes: inbound processing (CPU and database) and deliveries (waiting on providers), so a
  // slow or failing provider never holds up the citizens' next messages. WORKER_CONCURRENCY=0: intake only.
  const lane = (
    name: string,
    handlers: Record<string, JobHandler>,
    concurrency: number,
    claim?: ClaimJobs,
    gate?: ClaimGate,
    slots?: ChannelSlots,
  ) =>
    new Worker(db, handlers, log, {
      id: `${nodeId}/${name}`,
      claim,
      gate,
      slots,
      concurrency: config.WORKER_CONCURRENCY === 0 ? 0 : concurrency,
      leaseMs: opts.jobLeaseMs,
      pollMs: opts.jobPollMs,
      onJobDone: (job, outcome, ms) => ctx.metrics.jobLatency.observe({ kind: job.kind, outcome }, ms / 1000),
      // A delivery given up outside its dispatcher (an error recording the send, say) fails its messages.
      onGivenUp: (job) => (job.kind === DELIVER_JOB ? failAbandoned(ctx, job.id) : Promise.resolve()),
    });
  // PGlite is one engine behind one lock: wider lanes do no more work, they only lengthen the queue in
  // front of the webhooks' own INSERTs (client timeouts under a burst). Its lanes stay narrow.
  const narrow = (concurrency: number, pglite: number) => (db.kind === 'pglite' ? Math.min(concurrency, pglite) : concurrency);
  // Mails to agencies wait on an SMTP server like deliveries wait on providers: the same lane.
  const deliveryWidth = narrow(config.DELIVERY_CONCURRENCY, PGLITE_DELIVERY_LANE);
  // A slow provider holds at most this many of the lane's slots; the other channels keep the rest.
  const channelSlots = new ChannelSlots(config.DELIVERY_PER_CHANNEL ?? Math.max(1, Math.ceil((deliveryWidth * 3) / 4)));
  const deliveries = {
    [DELIVER_JOB]: (job: Job) => deliver(ctx, job),
    [AGENCY_MAIL_JOB]: (job: Job) => sendAgencyMail(ctx, job),
    // Downloads of citizens' files from a provider's CDN wait on the network too.
    [FETCH_MEDIA_JOB]: (job: Job) => fetchMedia(ctx, job),
  };
  // Deliveries start with their claim, or as their write commits (`Worker.reserve`).
  const deliveryLane = lane(
    'deliver',
    deliveries,
    deliveryWidth,
    claimDeliveries(
      DELIVER_JOB,
      [...ctx.channels.values()].filter((a) => a.capabilities.threaded).map((a) => a.channel),
    ),
    // Under a webhook flood, fewer at a time; never held back.
    ctx.intake.narrowing(DELIVERIES_UNDER_FLOOD),
    channelSlots,
  );
  lanes = [
    lane(
      'inbound',
      { [INBOUND_JOB]: (job) => processInbound(ctx, job) },
      narrow(config.WORKER_CONCURRENCY, PGLITE_INBOUND_LANE),
      // The raw items come with the claim.
      claimInboundJobs,
      // Under a webhook flood the acknowledgements come first (INTAKE_PRIORITY_MS); deliveries of
      // what was already decided go on.
      ctx.intake,
    ),
    deliveryLane,
  ];
  ctx.deliveryLane = deliveryLane;
  const agencyReminders = new PeriodicTask(
    () => remindAgencies(ctx).then(() => undefined),
    REMINDER_EVERY_MS,
    (err) => log.warn({ err }, 'agency reminders failed'),
  );
  const deliveryProbe = new PeriodicTask(
    () => probeDeliveries(ctx),
    DELIVERY_PROBE_MS,
    (err) => log.warn({ err }, 'delivery probe failed'),
  );

  const app = buildApp(ctx);
  const server = createServer(SERVER_OPTIONS, app);
  const hardening = hardenGateway(ctx, server);
  const started: ChannelAdapter[] = [];
  let consoleSocket: ConsoleSocket | null = null;
  let unfollow: (() => void) | null = null;
  let unrelaySeen: (() => void) | null = null;
  const roles: RoleHandle[] = [];
  let presence: FloorPresence | null = null;
  const floor = createFloor(ctx, () => presence?.localSocketIds() ?? []);
  const statsRefresh = new PeriodicTask(
    () => refreshStats(db).then(() => undefined),
    STATS_REFRESH_MS,
    (err) => log.warn({ err }, 'dashboard roll-up refresh failed'),
  );
  const blobSweep = new PeriodicTask(
    () => sweepUnfinishedBlobs(db).then(() => undefined),
    BLOB_SWEEP_MS,
    (err) => log.warn({ err }, 'sweep of unfinished attachment blobs failed'),
  );
  return {
    ctx,
    app,
    server,
    lanes,
    floor,
    async start() {
      // The embedded database has one process: anything "running" was cut off by a crash.
      if (db.kind === 'pglite') await releaseAllRunning(db);
      if (config.WORKER_CONCURRENCY > 0) {
        // Messages a given-up delivery left unsent (a crash before its clean-up, or an older version's race).
        const abandoned = await failAbandoned(ctx, null);
        if (abandoned) log.warn({ messages: abandoned }, 'unsent messages of given-up deliveries marked failed');
      }
      for (const l of lanes) await l.start();
      await hardening.start();
      if (config.WORKER_CONCURRENCY > 0) {
        deliveryProbe.start();
        agencyReminders.start();
      }
      // One node rolls up past days and sweeps unfinished blobs; another takes over when it stops.
      roles.push(ctx.leadership.lead('stats-rollup', statsRefresh.asRole()), ctx.leadership.lead('blob-sweep', blobSweep.asRole()));
      // Other nodes' events and rooms (PostgreSQL: LISTEN/NOTIFY), and this node's caches following their changes.
      await realtime.start();
      unfollow = followSharedChanges(ctx);
      unrelaySeen = relaySeenMarkers(ctx);
      const io = socketServerFor(server);
      realtime.shareSockets(io);
      consoleSocket = attachConsoleSocket(ctx, io);
      presence = trackPresence(ctx, consoleSocket.nsp);
      floor.start();
      for (const adapter of registry.values()) {
        if (!adapter.start) continue;
        await adapter.start(createAdapterRuntime(ctx, adapter.channel, server));
        started.push(adapter);
      }
    },
    async stop() {
      for (const a of started) await a.stop?.().catch((err) => log.warn({ err, channel: a.channel }, 'channel stop failed'));
      await floor.stop();
      presence?.close();
      consoleSocket?.close();
      for (const role of roles.splice(0)) await role.release();
      await ctx.leadership.close();
      await deliveryProbe.stop();
      await agencyReminders.stop();
      await hardening.stop();
      for (const l of lanes) await l.stop();
      unfollow?.();
      await stopRetraining(ctx);
      unrelaySeen?.();
      await realtime.close();
      if (!opts.db) await db.close();
    },
  };
}

/** The HTTP app: the declared routes (health, metrics, webhooks, NLU, widget, API; see `http/routes.ts`) and the console. */
export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.use(securityHeaders());
  app.use(httpRoutes(ctx).router);
  if (!serveConsole(app)) ctx.log.warn('the web console is not built (console/dist): run `npm run build`');
  app.use(notFoundHandler());
  app.use(errorHandler(ctx.log));
  return app;
}
