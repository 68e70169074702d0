// Runs a script in a fresh Node process from the package root (so it can
// import 'webcodecs-native'), for behaviour that needs a clean process: exit,
// garbage collection, globals.
import { spawnSync } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs `source` as an ES module (or CommonJS with {type: 'commonjs'}); returns spawnSync's result. */
export function runScript(source, { timeoutMs = 30000, nodeFlags = [], type = 'module' } = {}) {
  return spawnSync(process.execPath, [...nodeFlags, `--input-type=${type}`, '-e', source], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
