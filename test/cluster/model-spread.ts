/**
 * Times how a training-phrase edit made on one node reaches every node of a cluster: the phrase is
 * added through the editor's API, then each node's parse of it is polled (`POST /api/bot/try`)
 * until it gives the intent, while a console on each node notes when the `model` announcement
 * arrives. Used by the cluster suite (correctness) and `npm run bench:cluster` (the figures).
 */
import { openLiveConsole } from '../support/live-console';

/** When each node answered with the new model, and when the editor's model announcement reached it (ms after the edit). */
export interface ModelSpread {
  /** Node name → ms from the edit's request until its parse gives the intent. */
  answered: Record<string, number>;
  /** Node name → ms from the edit's request until its console got `reference` `model`. */
  announced: Record<string, number>;
  /** The stored model's id carried by the announcement (undefined: none came with one). */
  modelId?: string;
}

/** Options of `timeModelSpread`. */
export interface ModelSpreadOptions {
  /** Base URL of the node the phrase is added on. */
  editor: string;
  /** Node name → base URL (the editor included). */
  nodes: Record<string, string>;
  /** An admin's `Bearer …` header. */
  auth: string;
  intent: string;
  /** A phrase no node answers with `intent` yet. */
  phrase: string;
  /** Give up after (default: 60 s). */
  timeoutMs?: number;
}

async function parsedIntent(base: string, auth: string, text: string): Promise<string> {
  const res = await fetch(`${base}/api/bot/try`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  if (!res.ok) throw new Error(`bot/try on ${base}: ${res.status}`);
  return ((await res.json()) as { parse: { intent: { name: string } } }).parse.intent.name;
}

/** Adds `phrase` to `intent` on the editor and times its arrival on every node; throws when a node never answers with it. */
export async function timeModelSpread(opts: ModelSpreadOptions): Promise<ModelSpread> {
  const { auth, intent, phrase } = opts;
  const consoles = await Promise.all(
    Object.entries(opts.nodes).map(async ([name, url]) => ({ name, live: await openLiveConsole(url, auth) })),
  );
  for (const [name, url] of Object.entries(opts.nodes)) {
    if ((await parsedIntent(url, auth, phrase)) === intent) throw new Error(`node ${name} answers "${phrase}" with ${intent} already`);
  }
  const spread: ModelSpread = { answered: {}, announced: {} };
  let started = 0;
  for (const { name, live } of consoles) {
    live.socket.on('reference', (change: { list: string; id?: string }) => {
      if (change.list !== 'model' || started === 0 || name in spread.announced) return;
      spread.announced[name] = performance.now() - started;
      if (change.id) spread.modelId = change.id;
    });
  }
  try {
    started = performance.now();
    const res = await fetch(`${opts.editor}/api/training/${intent}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: phrase }),
    });
    if (res.status !== 201) throw new Error(`adding the phrase answered ${res.status}`);
    const until = started + (opts.timeoutMs ?? 60_000);
    await Promise.all(
      Object.entries(opts.nodes).map(async ([name, url]) => {
        while ((await parsedIntent(url, auth, phrase)) !== intent) {
          if (performance.now() > until) throw new Error(`node ${name} still does not answer "${phrase}" with ${intent}`);
          await new Promise((r) => setTimeout(r, 20));
        }
        spread.answered[name] = performance.now() - started;
      }),
    );
    // The announcement may trail the editor's own answer by the time it takes to store the model.
    const announceBy = performance.now() + 5_000;
    while (Object.keys(spread.announced).length < consoles.length && performance.now() < announceBy)
      await new Promise((r) => setTimeout(r, 20));
    return spread;
  } finally {
    for (const { live } of consoles) live.socket.disconnect();
  }
}
