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
  if (value instanceof Error) return { type: value.name, message: maskPersonalData(value.message), stack: value.stack };
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
          const masked = args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a));
          method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

export type { Logger };
