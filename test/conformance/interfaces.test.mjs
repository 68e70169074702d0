// The WebIDL shape of every interface: attributes and operations are
// enumerable own properties of the interface prototype, operations count
// only their required arguments in `length`, static operations sit on the
// interface object, and Symbol.toStringTag is a data property with the
// interface's name (WebIDL 3.7.3-3.7.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as wc from 'webcodecs-native';

import { runScript } from '../helpers/process.mjs';

// name: [constructor length, { member: 'attribute' | 'readwrite' | operation length }, { static: length }]
const CODEC_MEMBERS = { state: 'attribute', ondequeue: 'readwrite', configure: 1, flush: 0, reset: 0, close: 0 };
const INTERFACES = {
  VideoEncoder: [1, { ...CODEC_MEMBERS, encodeQueueSize: 'attribute', encode: 1 }, { isConfigSupported: 1 }],
  VideoDecoder: [1, { ...CODEC_MEMBERS, decodeQueueSize: 'attribute', decode: 1 }, { isConfigSupported: 1 }],
  AudioEncoder: [1, { ...CODEC_MEMBERS, encodeQueueSize: 'attribute', encode: 1 }, { isConfigSupported: 1 }],
  AudioDecoder: [1, { ...CODEC_MEMBERS, decodeQueueSize: 'attribute', decode: 1 }, { isConfigSupported: 1 }],
  EncodedVideoChunk: [1, { type: 'attribute', timestamp: 'attribute', duration: 'attribute', byteLength: 'attribute', copyTo: 1 }, {}],
  EncodedAudioChunk: [1, { type: 'attribute', timestamp: 'attribute', duration: 'attribute', byteLength: 'attribute', copyTo: 1 }, {}],
  AudioData: [
    1,
    { format: 'attribute', sampleRate: 'attribute', numberOfFrames: 'attribute', numberOfChannels: 'attribute', duration: 'attribute', timestamp: 'attribute', allocationSize: 1, copyTo: 2, clone: 0, close: 0 },
    {},
  ],
  VideoFrame: [
    1,
    {
      format: 'attribute', codedWidth: 'attribute', codedHeight: 'attribute', codedRect: 'attribute', visibleRect: 'attribute',
      rotation: 'attribute', flip: 'attribute', displayWidth: 'attribute', displayHeight: 'attribute', duration: 'attribute',
      timestamp: 'attribute', colorSpace: 'attribute', metadata: 0, allocationSize: 0, copyTo: 1, clone: 0, close: 0,
    },
    {},
  ],
  VideoColorSpace: [0, { primaries: 'attribute', transfer: 'attribute', matrix: 'attribute', fullRange: 'attribute', toJSON: 0 }, {}],
  ImageDecoder: [1, { type: 'attribute', complete: 'attribute', completed: 'attribute', tracks: 'attribute', decode: 0, reset: 0, close: 0 }, { isTypeSupported: 1 }],
  ImageTrackList: [0, { ready: 'attribute', length: 'attribute', selectedIndex: 'attribute', selectedTrack: 'attribute' }, {}],
  ImageTrack: [0, { animated: 'attribute', frameCount: 'attribute', repetitionCount: 'attribute', selected: 'readwrite' }, {}],
  DOMRectReadOnly: [
    0,
    { x: 'attribute', y: 'attribute', width: 'attribute', height: 'attribute', top: 'attribute', right: 'attribute', bottom: 'attribute', left: 'attribute', toJSON: 0 },
    { fromRect: 0 },
  ],
};

for (const [name, [length, members, statics]] of Object.entries(INTERFACES)) {
  test(`${name}: the interface object and prototype WebIDL defines`, () => {
    const I = wc[name];
    assert.equal(typeof I, 'function');
    assert.equal(I.name, name);
    assert.equal(I.length, length, `${name}.length`);
    const proto = I.prototype;
    for (const [member, kind] of Object.entries(members)) {
      const d = Object.getOwnPropertyDescriptor(proto, member);
      assert.ok(d, `${name}.prototype.${member} is an own property`);
      assert.equal(d.enumerable, true, `${member} is enumerable`);
      assert.equal(d.configurable, true, `${member} is configurable`);
      if (typeof kind === 'number') {
        assert.equal(typeof d.value, 'function', `${member} is an operation`);
        assert.equal(d.writable, true);
        assert.equal(d.value.length, kind, `${name}.prototype.${member}.length`);
      } else {
        assert.equal(typeof d.get, 'function', `${member} is an accessor`);
        assert.equal(typeof d.set, kind === 'readwrite' ? 'function' : 'undefined', `${member}: ${kind}`);
        assert.throws(() => d.get.call(proto), TypeError, `${member}'s getter refuses a non-instance`);
      }
    }
    for (const [member, n] of Object.entries(statics)) {
      const d = Object.getOwnPropertyDescriptor(I, member);
      assert.ok(d?.enumerable, `static ${member} is an enumerable own property`);
      assert.equal(d.value.length, n, `${name}.${member}.length`);
    }
    assert.deepEqual(Object.getOwnPropertyDescriptor(proto, Symbol.toStringTag), { value: name, writable: false, enumerable: false, configurable: true });
    assert.equal(Object.prototype.toString.call(proto), `[object ${name}]`);
  });
}

test('prototype chains are WebIDL\'s: codecs inherit EventTarget directly, the other interfaces Object', () => {
  for (const name of Object.keys(INTERFACES)) {
    const I = wc[name];
    const parent = /^(Video|Audio)(En|De)coder$/.test(name) ? EventTarget : null;
    assert.equal(Object.getPrototypeOf(I.prototype), parent ? parent.prototype : Object.prototype, `${name}.prototype's prototype`);
    assert.equal(Object.getPrototypeOf(I), parent ?? Function.prototype, `${name}'s prototype`);
    assert.equal(I.prototype.constructor, I);
    assert.deepEqual(Object.getOwnPropertyDescriptor(I, 'prototype'), { value: I.prototype, writable: false, enumerable: false, configurable: false });
  }
  assert.throws(() => wc.VideoEncoder({ output() {}, error() {} }), TypeError, 'not callable without new');
  // Instances work through the interface object, subclasses too.
  class Mine extends wc.VideoDecoder {}
  const decoder = new Mine({ output() {}, error() {} });
  assert.ok(decoder instanceof Mine && decoder instanceof wc.VideoDecoder && decoder instanceof EventTarget);
  assert.equal(decoder.state, 'unconfigured');
  let dequeued = 0;
  decoder.addEventListener('dequeue', () => dequeued++);
  decoder.dispatchEvent(new Event('dequeue'));
  assert.equal(dequeued, 1);
  decoder.close();
  assert.equal(decoder.state, 'closed');
  const chunk = new wc.EncodedAudioChunk({ type: 'key', timestamp: 1, data: new Uint8Array(3) });
  assert.deepEqual([chunk.type, chunk.timestamp, chunk.byteLength], ['key', 1, 3]);
  assert.deepEqual(Object.keys(Object.getPrototypeOf(chunk)), ['type', 'timestamp', 'duration', 'byteLength', 'copyTo']);
});

test('instances say their interface to Object.prototype.toString', () => {
  const chunk = new wc.EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) });
  const frame = new wc.VideoFrame(new Uint8Array(16), { format: 'RGBA', codedWidth: 2, codedHeight: 2, timestamp: 0 });
  const encoder = new wc.VideoEncoder({ output() {}, error() {} });
  assert.deepEqual([chunk, frame, frame.colorSpace, frame.visibleRect, encoder].map((o) => Object.prototype.toString.call(o)), [
    '[object EncodedVideoChunk]', '[object VideoFrame]', '[object VideoColorSpace]', '[object DOMRectReadOnly]', '[object VideoEncoder]',
  ]);
  frame.close();
  encoder.close();
});

test('dictionary members are read once each, in order, even through getters and proxies', async () => {
  const counted = (object) => {
    const reads = [];
    const proxy = new Proxy(object, { get: (t, k) => (typeof k === 'string' && reads.push(k), Reflect.get(t, k)) });
    return { proxy, reads };
  };
  const once = (reads, what) => assert.deepEqual(reads, [...new Set(reads)], `${what}: ${reads}`);
  let c = counted({ type: 'key', timestamp: 5, duration: 7, data: new Uint8Array(2) });
  new wc.EncodedVideoChunk(c.proxy);
  once(c.reads, 'EncodedVideoChunkInit');
  assert.deepEqual(c.reads, ['data', 'duration', 'timestamp', 'transfer', 'type'], 'lexicographic order');
  c = counted({ format: 'f32', sampleRate: 8000, numberOfFrames: 1, numberOfChannels: 1, timestamp: 0, data: new Float32Array(1) });
  new wc.AudioData(c.proxy).close();
  once(c.reads, 'AudioDataInit');
  c = counted({ codec: 'vp8', width: 64, height: 64, bitrate: 100000, framerate: 30 });
  await wc.VideoEncoder.isConfigSupported(c.proxy);
  once(c.reads, 'VideoEncoderConfig');
  // A getter that answers differently each time is converted from its first answer.
  let n = 0;
  const config = { codec: 'opus', numberOfChannels: 2, get sampleRate() { return n++ === 0 ? 48000 : 'not a number'; } };
  const support = await wc.AudioEncoder.isConfigSupported(config);
  assert.deepEqual([support.supported, support.config.sampleRate, n], [true, 48000, 1]);
});

test('instances built through the interface objects keep V8 fast properties', () => {
  // Regression: `new AudioDecoder()` built through the interface object
  // (new.target a plain function) got a V8 map sized without the class's
  // private fields, so codecs fell back to dictionary properties and every
  // attribute read or method call cost 30-50 ns instead of 1-5.
  const run = runScript(
    `import * as wc from 'webcodecs-native';
    const cb = { output() {}, error() {} };
    class Sub extends wc.VideoDecoder {}
    const objects = {
      AudioDecoder: new wc.AudioDecoder(cb), AudioEncoder: new wc.AudioEncoder(cb),
      VideoDecoder: new wc.VideoDecoder(cb), VideoEncoder: new wc.VideoEncoder(cb), Sub: new Sub(cb),
      EncodedAudioChunk: new wc.EncodedAudioChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) }),
      EncodedVideoChunk: new wc.EncodedVideoChunk({ type: 'key', timestamp: 0, data: new Uint8Array(1) }),
    };
    const fast = Object.fromEntries(Object.entries(objects).map(([k, o]) => [k, %HasFastProperties(o)]));
    console.log(JSON.stringify({ fast, sub: objects.Sub instanceof Sub && objects.Sub instanceof wc.VideoDecoder }));`,
    { nodeFlags: ['--allow-natives-syntax'] },
  );
  assert.equal(run.status, 0, run.stderr);
  const { fast, sub } = JSON.parse(run.stdout);
  assert.deepEqual(fast, {
    AudioDecoder: true, AudioEncoder: true, VideoDecoder: true, VideoEncoder: true, Sub: true, EncodedAudioChunk: true, EncodedVideoChunk: true,
  });
  assert.equal(sub, true);
});
