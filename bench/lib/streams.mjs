// Inputs the benchmarks make once (in bench/.media) with the ffmpeg CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

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
