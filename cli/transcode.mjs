// `webcodecs-native transcode`: Demuxer -> VideoDecoder/AudioDecoder ->
// VideoEncoder/AudioEncoder -> Muxer, on the package's public API only (the
// same classes any WebCodecs program uses), with backpressure at every step.
import { rmSync } from 'node:fs';
import { extname } from 'node:path';

import {
  AudioData,
  AudioDecoder,
  AudioEncoder,
  Demuxer,
  EncodedAudioChunk,
  EncodedVideoChunk,
  Muxer,
  VideoDecoder,
  VideoEncoder,
  VideoFrame,
} from 'webcodecs-native';

export class UsageError extends Error {}

const FORMATS = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.webm': 'webm', '.mkv': 'mkv' };
const DEFAULT_CODECS = {
  mp4: { video: 'h264', audio: 'aac' },
  mov: { video: 'h264', audio: 'aac' },
  webm: { video: 'vp9', audio: 'opus' },
  mkv: { video: 'h264', audio: 'opus' },
};
const two = (n) => String(n).padStart(2, '0');

// Codec strings by increasing level: the first one the encoder supports at
// the output size is used, so the stream signals the lowest level it fits.
const VIDEO_CANDIDATES = {
  h264: () => [31, 40, 41, 42, 50, 51, 52, 60, 61, 62].map((l) => `avc1.6400${l.toString(16)}`),
  hevc: () => [93, 120, 123, 150, 153, 156, 180, 183, 186].map((l) => `hvc1.1.6.L${l}.B0`),
  vp8: () => ['vp8'],
  vp9: () => [10, 11, 20, 21, 30, 31, 40, 41, 50, 51, 52, 60, 61, 62].map((l) => `vp09.00.${two(l)}.08`),
  av1: () => [0, 1, 4, 5, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19].map((l) => `av01.0.${two(l)}M.08`),
};
const VIDEO_ALIASES = { avc: 'h264', h265: 'hevc' };
const AUDIO_CODECS = { aac: 'mp4a.40.2', opus: 'opus', mp3: 'mp3', flac: 'flac', vorbis: 'vorbis', pcm: 'pcm-s16' };
const AUDIO_BITRATES = { aac: 128000, opus: 128000, mp3: 192000, vorbis: 128000 };
// A key frame at least this often (microseconds), so the output seeks well.
const KEY_INTERVAL = 2_000_000;
// Decode/encode queue depth the pipeline keeps ahead of the codecs.
const QUEUE_DEPTH = 4;

export function formatOf(path, explicit) {
  if (explicit) {
    if (!DEFAULT_CODECS[explicit]) throw new UsageError(`Unknown --format "${explicit}"; expected mp4, mov, webm or mkv.`);
    return explicit;
  }
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) throw new UsageError(`Cannot tell the output format from "${path}"; use .mp4, .mov, .webm or .mkv, or --format.`);
  return format;
}

/** "2M", "800k", "1500000" -> bits per second. */
export function parseBitrate(text, option) {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(String(text));
  if (!m) throw new UsageError(`${option} expects a bitrate such as 2M, 800k or 1500000; got "${text}".`);
  const scale = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]];
  return Math.round(Number(m[1]) * scale);
}

async function pickVideoCodec(name, base) {
  const family = VIDEO_ALIASES[name] ?? name;
  const candidates = VIDEO_CANDIDATES[family]?.() ?? [name]; // or a full codec string
  for (const codec of candidates) {
    const config = { ...base, codec };
    try {
      if ((await VideoEncoder.isConfigSupported(config)).supported) return config;
    } catch {
      // not a valid codec string: reported below
    }
  }
  throw new UsageError(`The video codec "${name}" cannot encode ${base.width}x${base.height} here.`);
}

async function pickAudioCodec(name, base) {
  const codec = AUDIO_CODECS[name] ?? name;
  const bitrate = base.bitrate ?? AUDIO_BITRATES[name];
  for (const sampleRate of [base.sampleRate, 48000, 44100]) {
    const config = { codec, sampleRate, numberOfChannels: base.numberOfChannels, ...(bitrate ? { bitrate } : {}) };
    try {
      if ((await AudioEncoder.isConfigSupported(config)).supported) return config;
    } catch {
      // not a valid codec string: reported below
    }
  }
  throw new UsageError(`The audio codec "${name}" cannot encode ${base.numberOfChannels} channels at ${base.sampleRate} Hz here.`);
}

const even = (n) => Math.max(2, Math.round(n / 2) * 2);

/** Output size: --width/--height, keeping the aspect ratio when only one is given. */
function outputSize(track, options) {
  const { width: w, height: h } = track;
  if (options.width && options.height) return [options.width, options.height];
  if (options.width) return [options.width, even((h * options.width) / w)];
  if (options.height) return [even((w * options.height) / h), options.height];
  return [w, h];
}

/** An AudioData without its samples before `from` (microseconds), shifted by -offset; null if none are left. */
function trimAudio(data, offset) {
  const rate = data.sampleRate;
  const start = data.timestamp - offset;
  const skip = start < 0 ? Math.min(data.numberOfFrames, Math.ceil((-start * rate) / 1e6)) : 0;
  if (skip >= data.numberOfFrames) return null;
  const frames = data.numberOfFrames - skip;
  const channels = data.numberOfChannels;
  const samples = new Float32Array(frames * channels);
  for (let c = 0; c < channels; c++) {
    data.copyTo(samples.subarray(c * frames, (c + 1) * frames), { planeIndex: c, frameOffset: skip, format: 'f32-planar' });
  }
  return new AudioData({
    format: 'f32-planar',
    sampleRate: rate,
    numberOfFrames: frames,
    numberOfChannels: channels,
    timestamp: Math.round(start + (skip * 1e6) / rate),
    data: samples,
  });
}

function shiftedChunk(Chunk, chunk, offset) {
  if (offset === 0) return chunk;
  const data = new Uint8Array(chunk.byteLength);
  chunk.copyTo(data);
  const init = { type: chunk.type, timestamp: chunk.timestamp - offset, data, transfer: [data.buffer] };
  if (chunk.duration !== null) init.duration = chunk.duration;
  return new Chunk(init);
}

/** Resolves at the next dequeue event of any of `codecs`. */
function dequeued(codecs) {
  return new Promise((resolve) => {
    const done = () => {
      for (const c of codecs) c.removeEventListener('dequeue', done);
      resolve();
    };
    for (const c of codecs) c.addEventListener('dequeue', done);
  });
}

/**
 * Transcodes `input` (a path) to `output` (a path). `options`: videoCodec,
 * audioCodec ('copy', 'none' or a codec), width, height, bitrate,
 * audioBitrate, format. `onProgress({frames, position, duration, elapsed})`
 * is called as work completes. Resolves with a summary.
 */
export async function transcode(input, output, options = {}, onProgress = () => {}) {
  const started = performance.now();
  const format = formatOf(output, options.format);
  const demuxer = await Demuxer.open(input);
  const closers = [() => demuxer.close()];
  let finished = false;
  try {
    const vIn = demuxer.videoTracks.find((t) => t.config);
    const aIn = demuxer.audioTracks.find((t) => t.config);
    const vName = vIn ? options.videoCodec ?? DEFAULT_CODECS[format].video : 'none';
    const aName = aIn ? options.audioCodec ?? DEFAULT_CODECS[format].audio : 'none';
    if (vName === 'none' && aName === 'none') {
      throw new UsageError(`"${input}" has no video or audio track to transcode (tracks: ${demuxer.tracks.map((t) => `${t.type} ${t.ffmpegCodec}`).join(', ') || 'none'}).`);
    }
    const used = [vName !== 'none' ? vIn : null, aName !== 'none' ? aIn : null].filter(Boolean);
    // Outputs start at zero (as the ffmpeg CLI's do); priming before zero is dropped.
    const offset = Math.max(0, Math.min(...used.map((t) => t.start ?? 0)));

    let failure = null;
    const fail = (e) => (failure ??= e);
    let muxPending = Promise.resolve();
    const mux = (promise) => {
      muxPending = promise;
      promise.catch(fail);
    };

    let frames = 0; // video chunks written
    // Video: the encoder's config and the path chunks take.
    let videoConfig = null;
    let onVideoChunk = null;
    let video = null;
    if (vName !== 'none') {
      if (vName === 'copy') {
        video = { config: vIn.config, frameRate: vIn.frameRate ?? undefined };
        let first = true;
        onVideoChunk = (chunk) => {
          frames++;
          mux(muxer.addVideoChunk(shiftedChunk(EncodedVideoChunk, chunk, offset), first ? { decoderConfig: vIn.config } : undefined));
          first = false;
        };
      } else {
        const [width, height] = outputSize(vIn, options);
        const base = { width, height, latencyMode: 'quality', ...(vIn.frameRate ? { framerate: vIn.frameRate } : {}) };
        if (options.bitrate) base.bitrate = options.bitrate;
        // Non-square pixels: the output is displayed at the input's aspect ratio.
        const { displayAspectWidth: daw, displayAspectHeight: dah } = vIn.config;
        if (daw && dah && daw * height !== dah * width) {
          base.displayWidth = Math.round((height * daw) / dah);
          base.displayHeight = height;
        }
        videoConfig = await pickVideoCodec(vName, base);
        video = { frameRate: vIn.frameRate ?? undefined };
      }
    }
    let audioConfig = null;
    let audio = null;
    if (aName !== 'none') {
      audio = aName === 'copy' ? { config: aIn.config } : {};
      if (aName !== 'copy') {
        audioConfig = await pickAudioCodec(aName, { sampleRate: aIn.config.sampleRate, numberOfChannels: aIn.config.numberOfChannels, bitrate: options.audioBitrate });
      }
    }

    const muxer = new Muxer({ target: output, format, video: video ?? false, audio: audio ?? false, fastStart: format === 'mp4' || format === 'mov' });
    // A failed transcode leaves no partial file behind (closers run last first).
    closers.push(() => finished || rmSync(output, { force: true }));
    closers.push(() => muxer.close());

    let videoCodecs = null;
    let producedVideoCodec = null;
    if (videoConfig) {
      const encoder = new VideoEncoder({
        output: (chunk, meta) => {
          frames++;
          // The codec string of what was produced (the level actually used).
          if (meta?.decoderConfig) producedVideoCodec = meta.decoderConfig.codec;
          mux(muxer.addVideoChunk(chunk, meta));
        },
        error: fail,
      });
      encoder.configure(videoConfig);
      let lastKey = -Infinity;
      const decoder = new VideoDecoder({
        output: (frame) => {
          const timestamp = frame.timestamp - offset;
          const shifted = offset === 0 ? frame : new VideoFrame(frame, { timestamp });
          const keyFrame = timestamp - lastKey >= KEY_INTERVAL;
          if (keyFrame) lastKey = timestamp;
          if (encoder.state === 'configured') encoder.encode(shifted, { keyFrame });
          shifted.close();
          if (shifted !== frame) frame.close();
        },
        error: fail,
      });
      decoder.configure(vIn.config);
      videoCodecs = [decoder, encoder];
      closers.push(() => videoCodecs.forEach((c) => c.state !== 'closed' && c.close()));
      onVideoChunk = (chunk) => decoder.decode(chunk);
    }
    let audioCodecs = null;
    let onAudioChunk = null;
    if (audioConfig) {
      const encoder = new AudioEncoder({ output: (chunk, meta) => mux(muxer.addAudioChunk(chunk, meta)), error: fail });
      encoder.configure(audioConfig);
      const decoder = new AudioDecoder({
        output: (data) => {
          const trimmed = data.timestamp < offset || offset !== 0 ? trimAudio(data, offset) : data;
          if (trimmed && encoder.state === 'configured') encoder.encode(trimmed);
          trimmed?.close();
          if (trimmed !== data) data.close();
        },
        error: fail,
      });
      decoder.configure(aIn.config);
      audioCodecs = [decoder, encoder];
      closers.push(() => audioCodecs.forEach((c) => c.state !== 'closed' && c.close()));
      onAudioChunk = (chunk) => decoder.decode(chunk);
    } else if (aName === 'copy') {
      let first = true;
      onAudioChunk = (chunk) => {
        mux(muxer.addAudioChunk(shiftedChunk(EncodedAudioChunk, chunk, offset), first ? { decoderConfig: aIn.config } : undefined));
        first = false;
      };
    }

    const duration = demuxer.duration;
    let position = 0;
    let chunksIn = 0;
    const report = () => onProgress({ frames, position, duration, elapsed: (performance.now() - started) / 1000 });
    for await (const { track, chunk } of demuxer.chunks(used)) {
      if (failure) throw failure;
      chunksIn++;
      if (track === vIn) onVideoChunk(chunk);
      else onAudioChunk(chunk);
      position = Math.max(position, chunk.timestamp - offset);
      // Keep a few chunks ahead of each codec, never more.
      for (const codecs of [videoCodecs, audioCodecs]) {
        if (!codecs) continue;
        const [decoder, encoder] = codecs;
        while (!failure && (decoder.decodeQueueSize > QUEUE_DEPTH || encoder.encodeQueueSize > QUEUE_DEPTH)) {
          await dequeued(codecs);
        }
      }
      await muxPending;
      if (chunksIn % 16 === 0) report();
    }
    for (const codecs of [videoCodecs, audioCodecs]) {
      if (!codecs) continue;
      await codecs[0].flush();
      await codecs[1].flush();
    }
    if (failure) throw failure;
    await muxer.finalize();
    finished = true;
    if (duration !== null) position = duration;
    report();
    return {
      input,
      output,
      format,
      frames,
      seconds: (performance.now() - started) / 1000,
      mediaSeconds: position / 1e6,
      video: videoConfig ? { codec: producedVideoCodec ?? videoConfig.codec, width: videoConfig.width, height: videoConfig.height } : vName === 'copy' ? { codec: vIn.codec, copied: true } : null,
      audio: audioConfig
        ? { codec: audioConfig.codec, sampleRate: audioConfig.sampleRate, numberOfChannels: audioConfig.numberOfChannels }
        : aName === 'copy'
          ? { codec: aIn.codec, copied: true }
          : null,
    };
  } finally {
    for (const close of closers.reverse()) close();
  }
}
