/**
 * Background retraining after training-phrase edits: one training at a time per gateway; edits that
 * arrive during a training are folded into one more run, so a burst of edits costs two trainings, not N.
 *
 * Several nodes: the node that made the edit retrains and announces the new model (`reference`
 * `model`); every other node follows (`follow: true`, see src/realtime/cache-sync.ts) by training
 * from the same phrases in the database, without announcing again. A follower skips a training when
 * the phrases are those its model was last trained on, so an edit costs each node one training.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../context';
import { liveTrainingData } from '../knowledge/seed';
import { announceChange } from '../realtime/announce';

interface RetrainState {
  running: Promise<void> | null;
  again: boolean;
  /** Some requester of the current or next run edited the phrases here: announce the new model. */
  announce: boolean;
  /** Fingerprint of the phrases the live model was last trained on here (null: unknown). */
  trainedOn: string | null;
}

const states = new WeakMap<AppContext, RetrainState>();

/** Options of `scheduleRetrain`. */
export interface RetrainOptions {
  /** Another node changed the phrases: train only if they differ from the model's, and do not announce (default: false). */
  follow?: boolean;
}

/** Schedules a retraining from the live phrases (database) and the bot file's synonyms and regexes; resolves when the model includes every edit made so far. */
export function scheduleRetrain(ctx: AppContext, opts: RetrainOptions = {}): Promise<void> {
  let s = states.get(ctx);
  if (!s) {
    s = { running: null, again: false, announce: false, trainedOn: null };
    states.set(ctx, s);
  }
  const state = s;
  if (!opts.follow) state.announce = true;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const run = async (): Promise<void> => {
    do {
      state.again = false;
      const announce = state.announce;
      state.announce = false;
      const started = performance.now();
      try {
        const data = await liveTrainingData(ctx.db, ctx.fileTraining);
        const fingerprint = createHash('sha256').update(JSON.stringify(data)).digest('hex');
        if (announce || fingerprint !== state.trainedOn) {
          await ctx.nlu.train(data);
          state.trainedOn = fingerprint;
          ctx.log.info({ ms: Math.round(performance.now() - started), follow: !announce }, 'intent engine retrained after an edit');
        }
        if (announce && !state.again) announceChange(ctx, 'model', null);
        else if (announce) state.announce = true;
      } catch (err) {
        ctx.log.error({ err }, 'retraining failed; the previous model stays live');
      }
    } while (state.again);
  };
  state.running = run().finally(() => {
    state.running = null;
  });
  return state.running;
}

/** Resolves when no retraining is running (tests, shutdown). */
export async function retrainIdle(ctx: AppContext): Promise<void> {
  while (states.get(ctx)?.running) await states.get(ctx)!.running;
}
