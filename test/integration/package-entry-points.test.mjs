// The package's entry points: ESM import and CommonJS require expose the same
// classes by name, 'webcodecs-native/polyfill' fills in only the globals that
// are missing, and the TypeScript declarations the exports map points at
// exist and type-check code written against them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import * as esm from 'webcodecs-native';

import { tempDir } from '../helpers/media.mjs';
import { runScript } from '../helpers/process.mjs';

const require = createRequire(import.meta.url);
const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = require('../../package.json');

// The WebCodecs interfaces implemented so far, plus DOMRectReadOnly, which
// Node lacks and VideoFrame's rects need.
const CLASSES = [
  'AudioData',
  'AudioDecoder',
  'AudioEncoder',
  'DOMRectReadOnly',
  'EncodedAudioChunk',
  'EncodedVideoChunk',
  'ImageDecoder',
  'ImageTrack',
  'ImageTrackList',
  'VideoColorSpace',
  'VideoDecoder',
  'VideoEncoder',
  'VideoFrame',
];
// Server extras: exported, never installed on the global object.
const SERVER_CLASSES = ['Demuxer', 'Muxer'];
const EXTRAS = ['configurePools', 'ffmpegVersions', 'getLiveObjects', 'getPoolStats', 'preallocate', 'trimPools', ...SERVER_CLASSES];

test('CommonJS and ESM export every class by name, and the very same objects', () => {
  const cjs = require('webcodecs-native');
  for (const name of CLASSES) {
    assert.equal(typeof cjs[name], 'function', `require('webcodecs-native').${name}`);
    assert.equal(cjs[name].name, name);
    assert.equal(esm[name], cjs[name], `import { ${name} } is the CommonJS class (instanceof works across both)`);
  }
  for (const name of EXTRAS) assert.equal(esm[name], cjs[name], name);
  const esmNames = Object.keys(esm).filter((k) => k !== 'default').sort();
  assert.deepEqual(esmNames, Object.keys(cjs).sort(), 'the ESM entry re-exports everything the CommonJS one has');
  assert.equal(esm.default, cjs);
  const classes = Object.keys(cjs).filter((k) => /^[A-Z]/.test(k)).sort();
  assert.deepEqual(classes, [...CLASSES, ...SERVER_CLASSES].sort(), 'no class is exported that this test does not know about');
});

function polyfillScript(kind) {
  const load =
    kind === 'esm'
      ? `await import('webcodecs-native/polyfill'); const api = await import('webcodecs-native');`
      : `require('webcodecs-native/polyfill'); const api = require('webcodecs-native');`;
  const body = `
    class MyVideoFrame {}
    globalThis.VideoFrame = MyVideoFrame;
    ${load}
    const out = {};
    for (const name of ${JSON.stringify(CLASSES)}) {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      out[name] = {
        ours: globalThis[name] === api[name],
        kept: globalThis[name] === MyVideoFrame,
        enumerable: d.enumerable, writable: d.writable, configurable: d.configurable,
      };
    }
    out.extras = ${JSON.stringify(EXTRAS)}.filter((n) => n in globalThis);
    console.log(JSON.stringify(out));
  `;
  return kind === 'esm' ? body : `(async () => { ${body} })();`;
}

for (const kind of ['esm', 'cjs']) {
  test(`polyfill (${kind}) installs the classes where a global is missing and keeps an existing one`, () => {
    const result = runScript(polyfillScript(kind), { type: kind === 'esm' ? 'module' : 'commonjs' });
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(out.VideoFrame, { ours: false, kept: true, enumerable: true, writable: true, configurable: true },
      'the predefined VideoFrame is left as it was');
    for (const name of CLASSES.filter((n) => n !== 'VideoFrame')) {
      // Interface objects on a browser's global are writable, configurable and not enumerable.
      assert.deepEqual(out[name], { ours: true, kept: false, enumerable: false, writable: true, configurable: true }, name);
    }
    assert.deepEqual(out.extras, [], 'server extras stay off the global object');
  });
}

test('the TypeScript declarations exist and type-check browser-style code against the package', () => {
  for (const entry of Object.values(pkg.exports)) {
    if (typeof entry === 'object') assert.ok(existsSync(join(ROOT, entry.types)), `${entry.types} exists`);
  }
  assert.ok(existsSync(join(ROOT, pkg.types)));

  // A project that depends on the package: node_modules/webcodecs-native -> this checkout.
  const dir = tempDir('wcn-types-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'webcodecs-native'));
  writeFileSync(join(dir, 'use.ts'), `
    import { VideoFrame, VideoEncoder, EncodedVideoChunk, getPoolStats } from 'webcodecs-native';
    import type { VideoFrameBufferInit, VideoEncoderConfig, VideoPixelFormat } from 'webcodecs-native';
    import 'webcodecs-native/polyfill';

    const init: VideoFrameBufferInit = { format: 'I420', codedWidth: 2, codedHeight: 2, timestamp: 0 };
    const frame: VideoFrame = new VideoFrame(new Uint8Array(6), init);
    const format: VideoPixelFormat | null = frame.format;
    const size: number = frame.allocationSize({ format: 'RGBA', colorSpace: 'srgb' });
    const layouts: Promise<{ offset: number; stride: number }[]> = frame.copyTo(new Uint8Array(size), { format: 'RGBA' });
    const config: VideoEncoderConfig = { codec: 'vp8', width: 2, height: 2 };
    const encoder = new VideoEncoder({ output: (chunk: EncodedVideoChunk) => chunk.byteLength, error: (e) => e.message });
    encoder.configure(config);
    const held: number = getPoolStats().total.bytesHeld;
    // @ts-expect-error: not a VideoPixelFormat
    const bad: VideoFrameBufferInit = { format: 'YUV420', codedWidth: 2, codedHeight: 2, timestamp: 0 };
    export { format, layouts, held, bad };
  `);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), join(dir, 'use.ts')];
  try {
    execFileSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  } catch (err) {
    assert.fail(`tsc rejected code using the declarations:\n${err.stdout}${err.stderr}`);
  }
});
