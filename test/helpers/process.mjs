// Runs Node in a fresh process from the package root (so it can import
// 'webcodecs-native'): scripts, for behaviour that needs a clean process
// (exit, garbage collection, globals), and the package's own programs.
import { spawnSync } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs `node ...args` from the package root; returns spawnSync's result (utf8 output). */
export function runNode(args, { timeoutMs = 30000 } = {}) {
  return spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
}

/** Runs `source` as an ES module (or CommonJS with {type: 'commonjs'}); returns spawnSync's result. */
export function runScript(source, { timeoutMs = 30000, nodeFlags = [], type = 'module' } = {}) {
  return runNode([...nodeFlags, `--input-type=${type}`, '-e', source], { timeoutMs });
}
