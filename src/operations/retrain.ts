/**
 * The intent model of this node, kept in step with the training phrases in the database.
 *
 * - **Start:** the stored model trained on the current phrases (`nlu_models`) is loaded; when none
 *   fits (new phrases, other engine code), the node trains and stores its model in the background.
 * - **An edit here:** one background training from the live phrases; edits that arrive meanwhile are
 *   folded into one more run, so a burst of edits costs two trainings, not N. The model is stored
 *   and announced (`reference` `model`, with the stored model's id).
 * - **An edit on another node** (`follow`, see src/realtime/cache-sync.ts): the stored model of the
 *   live phrases is loaded, no training. When none is stored yet, the editing node is still training
 *   it (the phrases moved on since the model announced, or announcements were missed): this node keeps
 *   its model and waits for the next announcement, and trains itself only when none came within
 *   `NLU_MODEL_WAIT_MS`. It trains at once when nothing it can load will come: the editor stored no
 *   model, or the announced model is of these phrases but refused here (other engine code, corrupt).
 *
 * Engines without an exportable model (Rasa) train as before and store nothing.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import type { Database } from '../db/database';
import { liveTrainingData } from '../knowledge/seed';
import { CoalescedRun } from '../jobs/coalesced-run';
import type { Logger } from '../logger';
import { TrainingAbandoned, type NluEngine, type TrainingData } from '../nlu';
import { announceChange } from '../realtime/announce';
import { insertNluModel, latestNluModel, nluModelFingerprint, type StoredNluModel } from '../store/nlu-models';

/** What the model work needs: the database, the engine, a log. */
interface ModelDeps {
  db: Database;
  nlu: NluEngine;
  log: Logger;
}

interface RetrainState {
  run: CoalescedRun;
  /** Some requester of the current or next run edited the phrases here: announce the new model. */
  announce: boolean;
  /** The model another node announced last (a hint: the phrases decide what is loaded). */
  announcedId: string | null;
  /** Fingerprint of the phrases the live model was trained on (null: unknown). */
  liveOn: string | null;
  /** The stored id of the live model (null: none stored); pending while a model trained at start is being stored. */
  liveId: Promise<string | null>;
  /** The next run trains when no stored model fits (nothing loadable will come, or the wait ran out). */
  trainNow: boolean;
  /** Ends the wait for another node's model (null: not waiting). */
  waitTimer: NodeJS.Timeout | null;
  /** The current run follows another node's edit: nobody waits for its model. */
  following: boolean;
  stopped: boolean;
}

const states = new WeakMap<AppContext, RetrainState>();

/** Options of `scheduleRetrain`. */
export interface RetrainOptions {
  /**
   * Another node changed the phrases: load its model, and do not announce. `announced`: that node
   * announced its model (`modelId`; none: it stored no model, train here); `resync`: announcements
   * may have been missed. Default: the phrases were edited here.
   */
  follow?: 'announced' | 'resync';
  /** The model id the other node announced. */
  modelId?: string;
}

/** The model's start on a node (see `startModel`). */
export interface StartedModel {
  /** Fingerprint of the phrases the live model was trained on. */
  fingerprint: string;
  /** Loaded from the database, or trained here. */
  from: 'stored' | 'trained';
  /** The stored model's id (null: the engine keeps no model, or it is still being stored). */
  modelId: string | null;
  /** Resolves with the stored model's id once a model trained here is stored (at once otherwise; null: nothing stored). */
  saved: Promise<string | null>;
}

/** A hash of the training data: equal data, equal fingerprint. */
export function trainingFingerprint(data: TrainingData): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex');
}

/**
 * Makes the stored model trained on `fingerprint` live (the announced `id` first when it fits);
 * returns it, or null when none fits or the engine refused it (the log says why).
 */
async function loadStoredModel(deps: ModelDeps, fingerprint: string, id?: string | null): Promise<StoredNluModel | null> {
  const { db, nlu, log } = deps;
  const format = nlu.modelFormat;
  if (!format || !nlu.loadModel) return null;
  try {
    const stored = await latestNluModel(db, fingerprint, format, id);
    if (!stored) return null;
    nlu.loadModel(stored.bytes);
    return stored;
  } catch (err) {
    log.warn({ err }, 'stored intent model not loaded; training here instead');
    return null;
  }
}

/**
 * Stores the live model; returns its id (null: the engine has none to store, or storing failed).
 * Stored even when a model of the same phrases is there: that one may be the damaged model this node
 * just refused, and the newest is the one loaded.
 */
async function storeLiveModel(deps: ModelDeps, fingerprint: string): Promise<string | null> {
  const { db, nlu, log } = deps;
  const format = nlu.modelFormat;
  if (!format || !nlu.exportModel) return null;
  try {
    return await insertNluModel(db, { fingerprint, formatVersion: format, bytes: nlu.exportModel() });
  } catch (err) {
    log.warn({ err }, 'intent model not stored: other nodes will train themselves');
    return null;
  }
}

/** A stored model, made live by `loadStoredModel`. */
function storedLive(fingerprint: string, stored: StoredNluModel): StartedModel {
  return { fingerprint, from: 'stored', modelId: stored.id, saved: Promise.resolve(stored.id) };
}

/** Trains the engine on `data`; the model is stored in the background. */
async function trainLive(deps: ModelDeps, data: TrainingData, fingerprint: string): Promise<StartedModel> {
  await deps.nlu.train(data);
  return { fingerprint, from: 'trained', modelId: null, saved: storeLiveModel(deps, fingerprint) };
}

/** At start: loads the stored model of `data` or trains one (then stores it in the background). */
export async function startModel(deps: ModelDeps, data: TrainingData): Promise<StartedModel> {
  const fingerprint = trainingFingerprint(data);
  const stored = await loadStoredModel(deps, fingerprint);
  return stored ? storedLive(fingerprint, stored) : trainLive(deps, data, fingerprint);
}

function stateOf(ctx: AppContext): RetrainState {
  let state = states.get(ctx);
  if (!state) {
    const created: RetrainState = {
      run: new CoalescedRun(
        () => updateOnce(ctx, created),
        (err) =>
          err instanceof TrainingAbandoned
            ? ctx.log.info('catch-up training abandoned (the gateway is stopping); the previous model stays live')
            : ctx.log.error({ err }, 'retraining failed; the previous model stays live'),
      ),
      announce: false,
      announcedId: null,
      liveOn: null,
      liveId: Promise.resolve(null),
      trainNow: false,
      waitTimer: null,
      following: false,
      stopped: false,
    };
    state = created;
    states.set(ctx, state);
  }
  return state;
}

/** Records the model the gateway started with, so that an announcement of the same phrases costs nothing. */
export function adoptStartedModel(ctx: AppContext, started: StartedModel): void {
  const state = stateOf(ctx);
  state.liveOn = started.fingerprint;
  state.liveId = started.saved;
}

/**
 * Whether another node's model of `fingerprint` is still to come: the engine loads stored models, and
 * the announced model (if any) is of other phrases, so the phrases moved on since and the node that
 * moved them is training. False when the announced model is of these phrases: this node refused it.
 */
async function modelComing(deps: ModelDeps, fingerprint: string, announcedId: string | null): Promise<boolean> {
  if (!deps.nlu.modelFormat || !deps.nlu.loadModel) return false;
  if (!announcedId) return true;
  try {
    return (await nluModelFingerprint(deps.db, announcedId)) !== fingerprint;
  } catch (err) {
    deps.log.warn({ err }, 'announced intent model not found; training here instead');
    return false;
  }
}

/** Keeps the live model until another node's model is stored; trains once `NLU_MODEL_WAIT_MS` passed without one. */
function waitForModel(ctx: AppContext, state: RetrainState): void {
  if (state.waitTimer || state.stopped) return;
  const waitMs = ctx.config.NLU_MODEL_WAIT_MS;
  ctx.log.info({ waitMs }, 'training phrases changed on another node: waiting for the model it trains');
  state.waitTimer = setTimeout(() => {
    state.waitTimer = null;
    state.trainNow = true;
    void state.run.request();
  }, waitMs).unref();
}

function stopWaiting(state: RetrainState): void {
  if (state.waitTimer) clearTimeout(state.waitTimer);
  state.waitTimer = null;
}

/** One update from the live phrases: nothing when the model has them, else a stored model, else a training (or a wait for one). */
async function updateOnce(ctx: AppContext, state: RetrainState): Promise<void> {
  // Stopping: only a model owed to the other nodes (an edit here) is still made.
  if (state.stopped && !state.announce) return;
  const announce = state.announce;
  state.following = !announce;
  const announcedId = state.announcedId;
  const trainNow = announce || state.trainNow;
  state.announce = state.trainNow = false;
  state.announcedId = null;
  const started = performance.now();
  const deps: ModelDeps = { db: ctx.db, nlu: ctx.nlu, log: ctx.log };
  const data = await liveTrainingData(ctx.db, ctx.fileTraining);
  const fingerprint = trainingFingerprint(data);
  if (fingerprint === state.liveOn) {
    stopWaiting(state);
    if (!announce) return;
  } else {
    const stored = await loadStoredModel(deps, fingerprint, announcedId);
    if (!stored && !trainNow && (await modelComing(deps, fingerprint, announcedId))) {
      waitForModel(ctx, state);
      return;
    }
    stopWaiting(state);
    if (!stored && state.stopped && !announce) return;
    const live = stored ? storedLive(fingerprint, stored) : await trainLive(deps, data, fingerprint);
    const ms = Math.round(performance.now() - started);
    if (live.from === 'stored') ctx.log.info({ ms, modelId: live.modelId }, 'intent model loaded from the database after an edit');
    else ctx.log.info({ ms, follow: !announce }, 'intent engine retrained after an edit');
    state.liveOn = fingerprint;
    state.liveId = live.saved;
    await live.saved;
  }
  // An edit made during this update is announced after the next one.
  if (!announce || state.announce) return;
  const modelId = await state.liveId;
  announceChange(ctx, 'model', null, modelId ? { id: modelId } : {});
}

/** Brings the model up to the live phrases (database) and the bot file's synonyms and regexes; resolves when it includes every edit made so far. */
export function scheduleRetrain(ctx: AppContext, opts: RetrainOptions = {}): Promise<void> {
  const state = stateOf(ctx);
  if (!opts.follow) state.announce = true;
  if (opts.modelId) state.announcedId = opts.modelId;
  else if (opts.follow === 'announced') state.trainNow = true;
  return state.run.request();
}

/**
 * Shutdown: ends any wait for another node's model and resolves once idle. A training after an edit
 * made here is finished, stored and announced, since the other nodes wait for its model (and a
 * restart would train it again); a training that only catches up with another node's edit is
 * abandoned, since nobody waits for it and the next start loads or trains the model of the phrases.
 */
export async function stopRetraining(ctx: AppContext): Promise<void> {
  const state = states.get(ctx);
  if (!state) return;
  state.stopped = true;
  stopWaiting(state);
  if (state.following) ctx.nlu.abandonTraining?.();
  await retrainIdle(ctx);
}

/** Resolves when no update is running and every model store has ended (tests, shutdown). */
export async function retrainIdle(ctx: AppContext): Promise<void> {
  const state = states.get(ctx);
  if (!state) return;
  await state.run.idle();
  await state.liveId;
}
