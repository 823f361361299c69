/** `npm start`: configuration from the environment and `.env`, then the gateway on PORT. */
import 'dotenv/config';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config';
import { createGateway } from './gateway';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const gateway = await createGateway(config, { logger: log });
  await gateway.start();
  await new Promise<void>((resolve) => gateway.server.listen(config.PORT, config.HOST, resolve));
  // PORT=0 picks a free port: the one actually bound is logged, and told to a parent process that started us with an IPC channel.
  const port = (gateway.server.address() as AddressInfo).port;
  log.info({ port, host: config.HOST, database: gateway.ctx.db.kind }, `Cổng 1022 is serving on http://localhost:${port}`);
  process.send?.({ listening: port });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    gateway.server.close();
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
