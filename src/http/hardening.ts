/**
 * The security pieces a gateway runs besides its routes: limits on the HTTP server (timeouts, a
 * connection cap per address), the optional metrics listener (METRICS_PORT), encryption of TOTP
 * secrets stored before encryption at rest, and the retention purge (one node at a time).
 */
import type { Server } from 'node:http';
import { sealStoredTotpSecrets } from '../auth/totp';
import type { AppContext } from '../context';
import type { RoleHandle } from '../db/locks';
import { PeriodicTask } from '../jobs/periodic';
import { purgeExpired } from '../jobs/retention';
import { startMetricsServer } from './metrics-endpoint';
import { limitServer } from './server-limits';

/** How often the retention purge runs (default: hourly). */
const RETENTION_EVERY_MS = 60 * 60_000;

/** What `createGateway` starts and stops. */
export interface Hardening {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Limits `server` at once; `start` runs the rest. */
export function hardenGateway(ctx: AppContext, server: Server): Hardening {
  const { config, log } = ctx;
  limitServer(server, {
    headersTimeoutMs: config.HEADERS_TIMEOUT_SECONDS * 1000,
    requestTimeoutMs: config.REQUEST_TIMEOUT_SECONDS * 1000,
    maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
  });
  let metricsServer: Server | null = null;
  let retentionRole: RoleHandle | null = null;
  const retention = new PeriodicTask(
    async () => {
      const purged = await purgeExpired(
        ctx.db,
        { rawDays: config.RETENTION_RAW_DAYS, jobsDays: config.RETENTION_JOBS_DAYS, attachmentDays: config.RETENTION_ATTACHMENT_DAYS },
        ctx.blobs,
      );
      if (purged.rawBodies || purged.failedJobs || purged.attachments) log.info(purged, 'retention: expired data purged');
    },
    RETENTION_EVERY_MS,
    (err) => log.warn({ err }, 'retention purge failed'),
  );
  return {
    async start() {
      const sealed = await sealStoredTotpSecrets(ctx.db, ctx.secretsKey);
      if (sealed) log.info({ users: sealed }, 'TOTP secrets encrypted at rest');
      if (config.METRICS_PORT !== undefined) {
        metricsServer = await startMetricsServer(ctx.metrics, config.METRICS_PORT, config.METRICS_HOST);
        log.info({ port: config.METRICS_PORT, host: config.METRICS_HOST }, 'metrics listener');
      }
      retentionRole = ctx.leadership.lead('retention', { start: async () => retention.start(), stop: () => retention.stop() });
    },
    async stop() {
      await retentionRole?.release();
      await retention.stop();
      if (metricsServer) await new Promise<void>((r) => metricsServer!.close(() => r()));
    },
  };
}
