// Runs an ES module script in a fresh Node process from the package root, so
// it imports 'webcodecs-native' as users do.
import { spawnSync } from 'node:child_process';

export function runScript(source, { timeoutMs = 30000, nodeArgs = [] } = {}) {
  return spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', source], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
}
