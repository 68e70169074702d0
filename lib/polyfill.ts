// Installs the WebCodecs classes on globalThis where a global of that name is
// missing, so browser code runs unchanged: import 'webcodecs-native/polyfill'.
// Every class the package exports is an interface the browser exposes
// globally, except the server extras below; the lower-case exports
// (getPoolStats...) are server extras too.
import * as api from './index';

const SERVER_CLASSES = new Set(['Demuxer', 'Muxer']);

const target = globalThis as Record<string, unknown>;
for (const [name, value] of Object.entries(api)) {
  if (typeof value !== 'function' || !/^[A-Z]/.test(name) || SERVER_CLASSES.has(name)) continue;
  if (target[name] === undefined) {
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  }
}
