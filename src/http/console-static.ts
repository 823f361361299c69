/**
 * Serves the built web console (`console/dist`, from `npm run build:console`) at `/`: hashed assets
 * with a long cache, `index.html` never cached (so a deploy is picked up on the next load), and the
 * SPA fallback — any other GET that is not an API, webhook or socket path gets `index.html`, so deep
 * links such as `/inbox/<id>` survive a reload. https://vite.dev/guide/build
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { projectPath } from '../paths';

/** Paths the console never answers (default: the gateway's own prefixes). */
const RESERVED = /^\/(api|webhooks|socket\.io|model|metrics|healthz|readyz|assets)(\/|$)|^\/widget\.js$/;

/** Mounts the console on `app`. Returns false (and mounts nothing) when the console is not built. */
export function serveConsole(app: Express, dir: string = projectPath('console', 'dist')): boolean {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  // Vite fingerprints everything under assets/: a changed file gets a new name.
  app.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    if (RESERVED.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return true;
}
