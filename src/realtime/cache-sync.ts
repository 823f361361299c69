/**
 * Keeps this node's in-memory copies in step with changes made on other nodes: the knowledge view
 * (procedures, service answers, the greeting), the bot settings applied onto `ctx.bot`, and the
 * intent model. The node that makes a change reloads by itself; the others learn of it from the
 * `reference` event the change already announces (see ./announce.ts), received through the bus.
 * A new intent model is not trained again here: the announcement names the model the editing node
 * stored, and this node loads it; after a resync it waits for it (see src/operations/retrain.ts).
 * Canned replies, users, fields and agencies are read from the database on each use: nothing to reload.
 */
import type { AppContext } from '../context';
import { CoalescedRun } from '../jobs/coalesced-run';
import { scheduleRetrain } from '../operations/retrain';
import { loadSettings } from '../operations/settings';

/** Runs `fn` once at a time; calls made while it runs are folded into one more run. */
function coalesced(fn: () => Promise<void>, onError: (err: unknown) => void): () => void {
  const run = new CoalescedRun(fn, onError);
  return () => void run.request();
}

/** Reloads this node's caches when another node announces a change; returns the unsubscribe function. */
export function followSharedChanges(ctx: AppContext): () => void {
  const warn = (what: string) => (err: unknown) => ctx.log.warn({ err }, `${what} not reloaded after a change on another node`);
  const reloadKnowledge = coalesced(() => ctx.knowledge.reload(), warn('knowledge view'));
  // The greeting is a service answer: settings reload the knowledge view too.
  const reloadSettings = coalesced(async () => {
    await loadSettings(ctx);
    await ctx.knowledge.reload();
  }, warn('settings'));
  const followModel = (follow: 'announced' | 'resync', modelId?: string) => void scheduleRetrain(ctx, { follow, modelId });
  const offs = [
    ctx.bus.on('reference', (change, origin) => {
      if (origin !== 'remote') return;
      if (change.list === 'procedures' || change.list === 'services') reloadKnowledge();
      else if (change.list === 'settings') reloadSettings();
      // `training` is followed by `model` once the editor's model is ready: that one is loaded.
      else if (change.list === 'model') followModel('announced', change.id);
    }),
    ctx.bus.onResync(() => {
      reloadSettings();
      followModel('resync');
    }),
  ];
  return () => offs.forEach((off) => off());
}
