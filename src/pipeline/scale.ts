/**
 * Scales a rich reply down to what a channel carries: long texts split on sentence
 * boundaries, quick replies trimmed — or written into the text where the channel has none.
 */
import type { ChannelCapabilities, QuickReply } from '../channels/kit/contract';

/** A reply ready for one channel: text parts in order; quick replies go with the last part. */
export interface ScaledReply {
  parts: string[];
  quickReplies: QuickReply[];
}

/** Scales `text` and `quickReplies` to `caps`. */
export function scaleReply(text: string, quickReplies: QuickReply[], caps: ChannelCapabilities): ScaledReply {
  let body = text;
  let buttons: QuickReply[] = [];
  if (quickReplies.length > 0) {
    if (caps.quickReplies) {
      const { max, maxTitleLength } = caps.quickReplies;
      buttons = quickReplies.slice(0, max).map((q) => ({ ...q, title: truncate(q.title, maxTitleLength) }));
    } else {
      body = `${text}\n\n${quickReplies.map((q, i) => `${i + 1}. ${q.title}`).join('\n')}`;
    }
  }
  return { parts: splitText(body, caps.maxTextLength), quickReplies: buttons };
}

/** Shortens to `max` characters with an ellipsis. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Splits text into chunks of at most `max` characters, preferring paragraph, sentence, then word boundaries. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  // A string has at least as many UTF-16 units as characters: most replies are counted without spreading them.
  while (rest.length > max && [...rest].length > max) {
    const window = [...rest].slice(0, max).join('');
    const cut =
      lastBoundary(window, /\n\s*\n/g) ??
      lastBoundary(window, /[.!?…](?=\s)/g, 1) ??
      lastBoundary(window, /\n/g) ??
      lastBoundary(window, /\s/g) ??
      window.length;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out.length ? out : [''];
}

function lastBoundary(window: string, re: RegExp, keep = 0): number | null {
  let found: number | null = null;
  for (const m of window.matchAll(re)) if (m.index! > window.length / 3) found = m.index! + keep;
  return found;
}
