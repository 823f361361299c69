/**
 * Structured logs (pino). Secrets are removed by key; personal numbers (phones, emails,
 * ID numbers, found with the NLU's entity extractors) are masked in every logged string value.
 */
import pino, { type Logger } from 'pino';
import { redactPersonalData } from './nlu/entities';

const SECRET_KEYS = [
  'password',
  'passwordHash',
  'password_hash',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'secret',
  'appSecret',
  'cookie',
  'totpSecret',
];

/** Masks phone numbers, email addresses and ID numbers in free text (the NLU's entity patterns). */
export const maskPersonalData = redactPersonalData;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  // An error's stack repeats its message (and may quote input): it is masked like any text.
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: maskPersonalData(value.message) };
    if (value.stack) out.stack = maskPersonalData(value.stack);
    if (value.cause !== undefined) out.cause = scrub(value.cause, depth + 1);
    for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = SECRET_KEYS.includes(k) ? '[redacted]' : scrub(v, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.includes(k) ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}

/** Creates the process logger at `level`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cong-1022' },
      formatters: { log: (obj) => scrub(obj, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const masked: unknown[] = args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a));
          // `log.error(err)`: pino would take the unmasked error message as the line's message.
          if (masked[0] instanceof Error && typeof masked[1] !== 'string')
            masked.splice(0, 1, { err: masked[0] }, maskPersonalData(masked[0].message));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export type { Logger };
