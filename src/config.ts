/**
 * Configuration from the environment (and `.env`), validated once at start.
 * Every error names the variable to fix. See the README for the full list.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** The first admin's password when ADMIN_PASSWORD is unset (documented; the console asks to change it). */
export const DEFAULT_ADMIN_PASSWORD = 'doimatkhau-1022';
const optionalString = z.string().trim().min(1).optional();
const port = z.coerce.number().int().min(0).max(65535);
/** One entry of a `trust proxy` list: a range Express names, an address, or one with a prefix length or (IPv4) a netmask. */
function isProxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, range, extra] = entry.split('/');
  const version = isIP(address);
  if (!version || extra !== undefined) return false;
  if (range === undefined) return true;
  return /^\d+$/.test(range) ? Number(range) >= 1 && Number(range) <= (version === 4 ? 32 : 128) : version === 4 && isIP(range) === 4;
}
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .refine((v) => v === 'memory://' || /^postgres(ql)?:\/\//.test(v), 'must be memory:// or postgres://…')
    .optional(),
  DATA_DIR: z.string().default('./data'),
  BOT_DIR: z.string().default('bots/dongthap-1022'),
  KNOWLEDGE_DIR: z.string().default('knowledge'),
  NLU_ENGINE: z.enum(['builtin', 'rasa']).default('builtin'),
  RASA_URL: z.url().optional(),
  RASA_TOKEN: optionalString,
  /**
   * How long a node whose training phrases another node changed waits for that node's stored model
   * before it trains one itself, ms (default: 60 s; see src/operations/retrain.ts).
   */
  NLU_MODEL_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted webhook body, bytes (default: 1 MiB). */
  WEBHOOK_BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Largest stored attachment, bytes (default: 10 MiB). */
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Inbound messages processed at once by this process, written in groups (default: 128; 0: accept and store only, no jobs run here). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(128),
  /** Deliveries to providers in flight at once, a separate lane so that a slow provider never holds up inbound processing (default: 128; at most 32 while webhooks flood in). */
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(128),
  /**
   * Most deliveries of one channel in flight at once, so a slow or failing provider holds only part of the
   * delivery lane and the other channels' replies keep going out (default: three quarters of the lane).
   */
  DELIVERY_PER_CHANNEL: z.coerce.number().int().min(1).max(1024).optional(),
  /**
   * Intake first under a flood: while 8 or more webhooks are being stored at once in this process,
   * the inbound lane claims new work at most once per this many milliseconds, so providers get their
   * acknowledgements first (default: 1000; 0: never hold back).
   */
  INTAKE_PRIORITY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** How long an undeliverable reply is retried (through a provider outage) before it is failed for good, hours (default: 24). */
  DELIVERY_GIVE_UP_HOURS: z.coerce.number().positive().default(24),
  /** This process's stable name, the same across restarts: its unfinished jobs are released when it starts again (default: host name and port). */
  NODE_ID: optionalString,
  /** Where attachment bytes live: `database` (every node sees them) or `files` (DATA_DIR/attachments) (default: database on a PostgreSQL server, files on PGlite). */
  BLOB_STORE: z.enum(['database', 'files']).optional(),
  /**
   * Which reverse proxies are trusted to say who the client is (X-Forwarded-For), in Express's
   * `trust proxy` syntax: `loopback` (default: a proxy on this machine), addresses or CIDR ranges
   * separated by commas (a proxy on another machine), or a hop count. Login throttling, rate limits
   * and the access log use the address this gives.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .min(1)
    .default('loopback')
    .refine(
      (v) => /^\d+$/.test(v) || v.split(',').every((e) => isProxyEntry(e.trim())),
      'must be loopback, addresses or CIDR ranges separated by commas, or a hop count',
    )
    .transform((v): string | number => (/^\d+$/.test(v) ? Number(v) : v)),
  /** How often a node checks its cluster-wide roles (IMAP intake, roll-ups) and takes those a dead node left, seconds (default: 5). */
  LEADER_CHECK_SECONDS: z.coerce.number().positive().default(5),
  /** Bearer token lifetime, hours (default: 12 — one shift). */
  TOKEN_TTL_HOURS: z.coerce.number().positive().default(12),
  ADMIN_USERNAME: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: z.string().min(8).default(DEFAULT_ADMIN_PASSWORD),
  /** Secret for live-chat session tokens; generated and stored in the database when unset. */
  SESSION_SECRET: optionalString,

  ZALO_APP_ID: optionalString,
  ZALO_APP_SECRET: optionalString,
  ZALO_OA_SECRET_KEY: optionalString,
  ZALO_ACCESS_TOKEN: optionalString,
  ZALO_REFRESH_TOKEN: optionalString,
  /** The OA's own id (optional): tells sender from recipient in receipt events. */
  ZALO_OA_ID: optionalString,
  ZALO_API_BASE: z.url().default('https://openapi.zalo.me'),
  ZALO_OAUTH_BASE: z.url().default('https://oauth.zaloapp.com'),
  /** Zalo reply window, hours (default: 168 = 7 days; sources disagree with 48 h). */
  ZALO_REPLY_WINDOW_HOURS: z.coerce.number().positive().default(168),

  FB_APP_ID: optionalString,
  FB_APP_SECRET: optionalString,
  FB_VERIFY_TOKEN: optionalString,
  FB_PAGE_ACCESS_TOKEN: optionalString,
  FB_GRAPH_BASE: z.url().default('https://graph.facebook.com'),
  FB_GRAPH_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v21.0')
    .default('v21.0'),

  IMAP_HOST: optionalString,
  IMAP_PORT: port.default(993),
  IMAP_SECURE: bool.default(true),
  IMAP_USER: optionalString,
  IMAP_PASSWORD: optionalString,
  IMAP_MAILBOX: z.string().default('INBOX'),
  SMTP_HOST: optionalString,
  SMTP_PORT: port.default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_USER: optionalString,
  SMTP_PASSWORD: optionalString,
  /** Our sender, `"Tổng đài 1022" <1022@…>` or a bare address (default: IMAP_USER when it is an address). */
  MAIL_FROM: optionalString,
  /** Besides IMAP IDLE, check the mailbox every this many seconds (default: 60). */
  IMAP_POLL_SECONDS: z.coerce.number().positive().default(60),
  /** Receipts of new mail conversations per sender address per hour (default: 1): a mail loop cannot make us flood anyone. */
  MAIL_RECEIPTS_PER_HOUR: z.coerce.number().int().min(0).default(1),

  /** The web live chat needs no credentials: on unless set to false. */
  LIVECHAT_ENABLED: bool.default(true),
  /** Shared with host sites that pass a signed-in citizen (`data-user-hash` = hex HMAC-SHA256 of the user id). */
  LIVECHAT_IDENTITY_SECRET: optionalString,
  /** Largest file a citizen may send in the live chat, MB (default: 5; at most 6, one socket.io frame). */
  LIVECHAT_MAX_FILE_MB: z.coerce.number().positive().max(6).default(5),

  EDONGTHAP_SECRET: optionalString,
  EDONGTHAP_CALLBACK_URL: z.url().optional(),

  // ---- Security (issue 14) ----
  /** Key encrypting TOTP secrets at rest: 32 bytes as 64 hex digits or base64 (default: generated once into DATA_DIR/secrets.key; every node of a cluster needs the same one). */
  SECRETS_KEY: optionalString,
  /** Bearer token for GET /metrics from other hosts (default: unset — only loopback clients, or METRICS_PORT). */
  METRICS_TOKEN: optionalString,
  /** Serve /metrics on its own listen address, e.g. 9464 on 127.0.0.1 (default: unset). */
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for POST /model/parse; without it the route is rate-limited per address (default: unset). */
  NLU_PARSE_TOKEN: optionalString,
  /** Unauthenticated /model/parse calls per address per minute (default: 60). */
  NLU_PARSE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Webhook requests per channel per minute, counted across nodes in the database (default: 30000; 0: no limit). */
  WEBHOOK_PER_MINUTE: z.coerce.number().int().min(0).default(30000),
  /** Live chat, per address and per node: socket connections per minute, new conversations per hour, messages per minute (defaults: 30, 20, 60). */
  LIVECHAT_CONNECTIONS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  LIVECHAT_CONVERSATIONS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  LIVECHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Open TCP connections per client address (default: 100). */
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Time to receive a request's headers, and a whole request, seconds (defaults: 10, 30). */
  HEADERS_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(30),
  /** Retention, days (0: keep for ever): raw inbound webhook bodies, failed jobs, attachment bytes (defaults: 90, 30, 0). */
  RETENTION_RAW_DAYS: z.coerce.number().int().min(0).default(90),
  RETENTION_JOBS_DAYS: z.coerce.number().int().min(0).default(30),
  RETENTION_ATTACHMENT_DAYS: z.coerce.number().int().min(0).default(0),
  /** Largest media file downloaded from a provider's CDN into our store, bytes (default: ATTACHMENT_MAX_BYTES). */
  MEDIA_DOWNLOAD_MAX_BYTES: z.coerce.number().int().positive().optional(),
  /** Host names a provider's media link may resolve to a private or local address for (fake providers in tests; default: none). */
  MEDIA_PRIVATE_HOSTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
});

/** The settings that turn the email channel on. It is all or nothing: half a configuration is a mistake to report, not a disabled channel. */
export const EMAIL_REQUIRED = ['IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD', 'SMTP_HOST'] as const;

const checkedSchema = schema.superRefine((c, issues) => {
  if (EMAIL_REQUIRED.some((k) => c[k]) || c.MAIL_FROM) {
    const set = [...EMAIL_REQUIRED, 'MAIL_FROM' as const].filter((k) => c[k]);
    for (const k of EMAIL_REQUIRED) {
      if (!c[k])
        issues.addIssue({
          code: 'custom',
          path: [k],
          message: `required for the email channel, since ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set`,
        });
    }
    const from = c.MAIL_FROM ?? c.IMAP_USER ?? '';
    if (!/[^\s<>@"]+@[^\s<>@"]+/.test(from)) {
      issues.addIssue({
        code: 'custom',
        path: ['MAIL_FROM'],
        message: 'must be an email address such as "Tổng đài 1022" <1022@dongthap.gov.vn> (required when IMAP_USER is not an address)',
      });
    }
  }
});

/** Validated configuration. */
export type Config = z.infer<typeof schema>;

/** Thrown when the environment is invalid; the message lists each bad variable. */
export class ConfigError extends Error {}

/** Validates `env` (default: process.env) and returns the configuration. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const result = checkedSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
