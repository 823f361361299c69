/**
 * `npm run build` (and so `npm start`): compiles the gateway with tsc (incremental) and builds the
 * web console with Vite when its sources changed since the last build, so a start stays quick.
 * `--force` rebuilds the console regardless.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Newest modification time of a file or of every file below a directory. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

run(bin('tsc'), ['-p', 'tsconfig.build.json']);

const built = join(root, 'console', 'dist', 'index.html');
// The console also bundles the labels and types it shares with the server (src/wire).
const sources = [...['src', 'index.html', 'vite.config.mts', 'public'].map((p) => join(root, 'console', p)), join(root, 'src', 'wire')].map(
  newest,
);
if (process.argv.includes('--force') || !existsSync(built) || Math.max(...sources) > statSync(built).mtimeMs) {
  console.log('building the web console…');
  run(bin('vite'), ['build', 'console', '--logLevel', 'warn']);
}
