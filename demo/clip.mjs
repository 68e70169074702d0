// The built-in clip: a moving test pattern with a stereo tone, generated and
// written with the package's own API (VideoEncoder, AudioEncoder, Muxer), so
// the demo needs no media file. Also the reference the demo compares
// transcoded frames with.
import { AudioData, AudioEncoder, Muxer, VideoEncoder, VideoFrame } from 'webcodecs-native';

export const CLIP = { width: 1280, height: 720, fps: 30, seconds: 5, sampleRate: 48000 };

/** I420 bytes of frame `i`: moving diagonal gradients and a bouncing square. */
export function pattern(i, width = CLIP.width, height = CLIP.height) {
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const data = new Uint8Array(ySize + 2 * cw * ch);
  const box = Math.min(160, width / 4, height / 4);
  const sx = Math.abs(((i * 12) % (2 * (width - box))) - (width - box));
  const sy = Math.abs(((i * 7) % (2 * (height - box))) - (height - box));
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const inRows = y >= sy && y < sy + box;
    for (let x = 0; x < width; x++) {
      data[row + x] = inRows && x >= sx && x < sx + box ? 235 : 16 + ((x + 2 * y + 3 * i) % 200);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      data[ySize + y * cw + x] = 128 + Math.round(60 * Math.sin((x + i) / 40));
      data[ySize + cw * ch + y * cw + x] = 128 + Math.round(60 * Math.cos((y - i) / 30));
    }
  }
  return data;
}

/** 20 ms of a 440 Hz (left) / 660 Hz (right) tone starting at sample `start`, f32-planar. */
function tone(start, frames, rate) {
  const out = new Float32Array(frames * 2);
  for (let k = 0; k < frames; k++) {
    const t = (start + k) / rate;
    out[k] = 0.4 * Math.sin(2 * Math.PI * 440 * t);
    out[frames + k] = 0.4 * Math.sin(2 * Math.PI * 660 * t);
  }
  return out;
}

const backpressure = (codec) =>
  codec.encodeQueueSize > 8 ? new Promise((resolve) => codec.addEventListener('dequeue', resolve, { once: true })) : null;

/**
 * Writes the clip to `path` (.mkv: H.264 near-lossless + FLAC, so a
 * transcode of it starts from the pattern itself). Returns its frame count.
 */
export async function writeClip(path, { width = CLIP.width, height = CLIP.height, fps = CLIP.fps, seconds = CLIP.seconds } = {}) {
  const frames = Math.round(fps * seconds);
  const rate = CLIP.sampleRate;
  const muxer = new Muxer({ target: path, video: { frameRate: fps }, audio: true });
  let failure = null;
  const fail = (e) => (failure ??= e);
  const video = new VideoEncoder({ output: (c, m) => muxer.addVideoChunk(c, m).catch(fail), error: fail });
  video.configure({ codec: 'avc1.640028', width, height, framerate: fps, bitrateMode: 'quantizer', latencyMode: 'quality' });
  const audio = new AudioEncoder({ output: (c, m) => muxer.addAudioChunk(c, m).catch(fail), error: fail });
  audio.configure({ codec: 'flac', sampleRate: rate, numberOfChannels: 2 });
  const block = rate / 50;
  let sample = 0;
  for (let i = 0; i < frames && !failure; i++) {
    const timestamp = Math.round((i * 1e6) / fps);
    const frame = new VideoFrame(pattern(i, width, height), { format: 'I420', codedWidth: width, codedHeight: height, timestamp, duration: Math.round(1e6 / fps) });
    video.encode(frame, { keyFrame: i % (fps * 2) === 0, avc: { quantizer: 10 } });
    frame.close();
    // The audio that plays until the next frame.
    const until = Math.round(((i + 1) * rate) / fps);
    while (sample + block <= until) {
      const data = new AudioData({ format: 'f32-planar', sampleRate: rate, numberOfFrames: block, numberOfChannels: 2, timestamp: Math.round((sample * 1e6) / rate), data: tone(sample, block, rate) });
      audio.encode(data);
      data.close();
      sample += block;
    }
    await backpressure(video);
  }
  await video.flush();
  await audio.flush();
  video.close();
  audio.close();
  if (failure) throw failure;
  await muxer.finalize();
  return frames;
}
