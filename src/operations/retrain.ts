/**
 * Background retraining after training-phrase edits: one training at a time per gateway; edits that
 * arrive during a training are folded into one more run, so a burst of edits costs two trainings, not N.
 */
import type { AppContext } from '../context';
import { liveTrainingData } from '../knowledge/seed';
import { announceChange } from '../realtime/announce';

interface RetrainState {
  running: Promise<void> | null;
  again: boolean;
}

const states = new WeakMap<AppContext, RetrainState>();

/** Schedules a retraining from the live phrases (database) and the bot file's synonyms and regexes; resolves when the model includes every edit made so far. */
export function scheduleRetrain(ctx: AppContext): Promise<void> {
  let s = states.get(ctx);
  if (!s) {
    s = { running: null, again: false };
    states.set(ctx, s);
  }
  const state = s;
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const run = async (): Promise<void> => {
    do {
      state.again = false;
      const started = performance.now();
      try {
        await ctx.nlu.train(await liveTrainingData(ctx.db, ctx.fileTraining));
        ctx.log.info({ ms: Math.round(performance.now() - started) }, 'intent engine retrained after an edit');
        if (!state.again) announceChange(ctx, 'model', null);
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
