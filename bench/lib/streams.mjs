// Inputs the benchmarks make once (in bench/.media) with the ffmpeg CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EncodedAudioChunk } from 'webcodecs-native';

export const media = join(import.meta.dirname, '..', '.media');
mkdirSync(media, { recursive: true });

/**
 * A 1080p H.264 Annex B stream of `frames` frames (x264 realtime settings at
 * 5 Mbit/s, a noisy test pattern) with access unit delimiters, so it splits
 * into chunks with test/helpers/media.mjs annexbAccessUnits().
 */
export function h264Stream1080(frames) {
  const file = join(media, `h264-1080-${frames}.h264`);
  if (!existsSync(file)) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30,noise=alls=6:allf=t',
      '-frames:v', String(frames), '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-b:v', '5M', '-x264-params', 'aud=1', file]);
  }
  return file;
}

/** The chunks (and their meta: config, index) bench/audio-job.mjs encode wrote to `stream`.json/.chunks. */
export function readAudioStream(stream) {
  const meta = JSON.parse(readFileSync(`${stream}.json`, 'utf8'));
  const payload = readFileSync(`${stream}.chunks`);
  let offset = 0;
  const chunks = meta.index.map((e) => {
    const data = payload.subarray(offset, offset + e.size);
    offset += e.size;
    return new EncodedAudioChunk({ type: 'key', timestamp: e.timestamp, duration: e.duration, data });
  });
  return { meta, chunks };
}
