/**
 * JSON parsing that keeps long integers exact, for providers' webhooks.
 *
 * Zalo ids are 19-digit numbers and Meta sends the `app_id` of a message echo as a bare number:
 * `JSON.parse` would round such a literal above 2^53 (≈ 9.007e15). This parser turns every bare
 * integer literal longer than 15 digits into a string before parsing, so an id is never altered.
 * Small numbers (timestamps, watermarks) stay numbers.
 */

/** Parses JSON text, turning integer literals longer than 15 digits into strings (exact digits). */
export function parseJsonKeepingBigInts(text: string): unknown {
  return JSON.parse(quoteBigIntegers(text));
}

/**
 * A webhook body (raw bytes, text or already-parsed JSON) as a JSON object, long integers kept
 * exact when it is bytes or text; null when it is not JSON or not an object.
 */
export function readJsonObject(body: unknown): Record<string, unknown> | null {
  let value: unknown = body;
  try {
    if (Buffer.isBuffer(body)) value = parseJsonKeepingBigInts(body.toString('utf8'));
    else if (typeof body === 'string') value = parseJsonKeepingBigInts(body);
  } catch {
    return null;
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Rewrites bare integer literals longer than 15 digits as JSON strings; strings are left untouched. */
export function quoteBigIntegers(text: string): string {
  let out = '';
  let i = 0;
  let last = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip over a string literal, honouring escapes.
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      if (c === 0x2d) i++;
      const digitsStart = i;
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      const digits = i - digitsStart;
      let isInteger = true;
      while (i < n && /[.eE+\-0-9]/.test(text[i]!)) {
        isInteger = false;
        i++;
      }
      if (isInteger && digits > 15) {
        out += text.slice(last, start) + '"' + text.slice(start, i) + '"';
        last = i;
      }
      continue;
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}
