/**
 * The intent model of this node, kept in step with the training phrases in the database.
 *
 * - **Start:** the stored model trained on the current phrases (`nlu_models`) is loaded; when none
 *   fits (new phrases, other engine code), the node trains and stores its model in the background.
 * - **An edit here:** one background training from the live phrases; edits that arrive meanwhile are
 *   folded into one more run, so a burst of edits costs two trainings, not N. The model is stored
 *   and announced (`reference` `model`, with the stored model's id).
 * - **An edit on another node** (`follow: true`, see src/realtime/cache-sync.ts): the announced
 *   model is loaded, no training. A node trains itself only when no stored model fits (the editor
 *   runs other code or the Rasa engine, or its model was refused as corrupt).
 *
 * Engines without an exportable model (Rasa) train as before and store nothing.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import type { Database } from '../db/database';
import { liveTrainingData } from '../knowledge/seed';
import { CoalescedRun } from '../jobs/coalesced-run';
import type { Logger } from '../logger';
import type { NluEngine, TrainingData } from '../nlu';
import { announceChange } from '../realtime/announce';
import { insertNluModel, latestNluModel, type StoredNluModel } from '../store/nlu-models';

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
}

const states = new WeakMap<AppContext, RetrainState>();

/** Options of `scheduleRetrain`. */
export interface RetrainOptions {
  /** Another node changed the phrases: load its model (or train if none fits), and do not announce (default: false). */
  follow?: boolean;
  /** The model id the other node announced (with `follow`). */
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

/** Makes a model of `data` live: the stored one (the announced `id` first), else one trained here, stored in the background. */
async function makeLive(deps: ModelDeps, data: TrainingData, fingerprint: string, id?: string | null): Promise<StartedModel> {
  const stored = await loadStoredModel(deps, fingerprint, id);
  if (stored) return { fingerprint, from: 'stored', modelId: stored.id, saved: Promise.resolve(stored.id) };
  await deps.nlu.train(data);
  return { fingerprint, from: 'trained', modelId: null, saved: storeLiveModel(deps, fingerprint) };
}

/** At start: loads the stored model of `data` or trains one (then stores it in the background). */
export function startModel(deps: ModelDeps, data: TrainingData): Promise<StartedModel> {
  return makeLive(deps, data, trainingFingerprint(data));
}

function stateOf(ctx: AppContext): RetrainState {
  let state = states.get(ctx);
  if (!state) {
    const created: RetrainState = {
      run: new CoalescedRun(
        () => updateOnce(ctx, created),
        (err) => ctx.log.error({ err }, 'retraining failed; the previous model stays live'),
      ),
      announce: false,
      announcedId: null,
      liveOn: null,
      liveId: Promise.resolve(null),
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

/** One update from the live phrases: nothing when the model has them, else a stored model, else a training. */
async function updateOnce(ctx: AppContext, state: RetrainState): Promise<void> {
  const announce = state.announce;
  const announcedId = state.announcedId;
  state.announce = false;
  state.announcedId = null;
  const started = performance.now();
  const deps: ModelDeps = { db: ctx.db, nlu: ctx.nlu, log: ctx.log };
  const data = await liveTrainingData(ctx.db, ctx.fileTraining);
  const fingerprint = trainingFingerprint(data);
  if (fingerprint === state.liveOn) {
    if (!announce) return;
  } else {
    const live = await makeLive(deps, data, fingerprint, announcedId);
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
  return state.run.request();
}

/** Resolves when no update is running and every model store has ended (tests, shutdown). */
export async function retrainIdle(ctx: AppContext): Promise<void> {
  const state = states.get(ctx);
  if (!state) return;
  await state.run.idle();
  await state.liveId;
}
