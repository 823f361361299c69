/** Locations inside the project, valid whether code runs from `src/` (tsx, Jest) or `dist/` (built). */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  // dist/ has no package.json, so the first match is the project root.
  return dir;
}

/** The project root (the folder with package.json). */
export const PROJECT_ROOT = findRoot(__dirname);

/** Resolves a path relative to the project root. */
export function projectPath(...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts);
}
