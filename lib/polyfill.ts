// Installs the WebCodecs classes on globalThis where a global of that name is
// missing, so browser code runs unchanged: import 'webcodecs-native/polyfill'.
import * as api from './index';

const GLOBALS = [
  'AudioData',
  'AudioDecoder',
  'AudioEncoder',
  'DOMRectReadOnly',
  'EncodedAudioChunk',
  'EncodedVideoChunk',
  'VideoColorSpace',
  'VideoDecoder',
  'VideoEncoder',
  'VideoFrame',
] as const;

const target = globalThis as Record<string, unknown>;
for (const name of GLOBALS) {
  if (target[name] === undefined) {
    Object.defineProperty(target, name, { value: api[name], writable: true, configurable: true, enumerable: false });
  }
}
