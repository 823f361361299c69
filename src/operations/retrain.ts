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
import { CoalescedRun } from '../jobs/coalesced-run';
import { announceChange } from '../realtime/announce';

interface RetrainState {
  run: CoalescedRun;
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

/** One training from the live phrases; announces the model when an edit here asked for it and no other run follows. */
async function trainOnce(ctx: AppContext, state: RetrainState): Promise<void> {
  const announce = state.announce;
  state.announce = false;
  const started = performance.now();
  const data = await liveTrainingData(ctx.db, ctx.fileTraining);
  const fingerprint = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  if (announce || fingerprint !== state.trainedOn) {
    await ctx.nlu.train(data);
    state.trainedOn = fingerprint;
    ctx.log.info({ ms: Math.round(performance.now() - started), follow: !announce }, 'intent engine retrained after an edit');
  }
  // An edit made during this training is announced after the next one.
  if (announce && state.announce) return;
  if (announce) announceChange(ctx, 'model', null);
}

/** Schedules a retraining from the live phrases (database) and the bot file's synonyms and regexes; resolves when the model includes every edit made so far. */
export function scheduleRetrain(ctx: AppContext, opts: RetrainOptions = {}): Promise<void> {
  let state = states.get(ctx);
  if (!state) {
    const created: RetrainState = {
      run: new CoalescedRun(
        () => trainOnce(ctx, created),
        (err) => ctx.log.error({ err }, 'retraining failed; the previous model stays live'),
      ),
      announce: false,
      trainedOn: null,
    };
    state = created;
    states.set(ctx, state);
  }
  if (!opts.follow) state.announce = true;
  return state.run.request();
}

/** Resolves when no retraining is running (tests, shutdown). */
export async function retrainIdle(ctx: AppContext): Promise<void> {
  await states.get(ctx)?.run.idle();
}
