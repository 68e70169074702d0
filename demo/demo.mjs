// Demo: transcodes a clip to MP4 (H.264 + AAC) and to WebM (VP9 + Opus) with
// the package's transcoder (Demuxer -> VideoDecoder/AudioDecoder ->
// VideoEncoder/AudioEncoder -> Muxer, the same path as
// `npx webcodecs-native transcode`), showing progress and a summary. Without
// an input it first writes the built-in clip (a 1280x720 moving pattern with
// a stereo tone) and afterwards checks every output frame against the
// pattern (luma PSNR).
//
//   node demo/demo.mjs [input] [--out-dir demo/out] [--seconds 5]
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';

import { Demuxer, VideoDecoder } from 'webcodecs-native';

import { runTranscode } from '../cli/main.mjs';

import { CLIP, pattern, writeClip } from './clip.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'out-dir': { type: 'string', default: join(dirname(new URL(import.meta.url).pathname), 'out') },
    seconds: { type: 'string', default: String(CLIP.seconds) },
  },
});
const outDir = values['out-dir'];
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds must be positive, got ${values.seconds}`);
mkdirSync(outDir, { recursive: true });

let input = positionals[0];
const generated = input === undefined;
if (generated) {
  input = join(outDir, 'clip.mkv');
  const t0 = performance.now();
  const frames = await writeClip(input, { seconds });
  console.log(`wrote the built-in clip ${input}: ${frames} frames ${CLIP.width}x${CLIP.height} H.264 + FLAC stereo (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
}

function lumaPsnr(a, b, pixels) {
  let se = 0;
  for (let i = 0; i < pixels; i++) se += (a[i] - b[i]) ** 2;
  return se === 0 ? 99 : 10 * Math.log10((255 * 255 * pixels) / se);
}

/** Decodes a file's video with our Demuxer and VideoDecoder: frame count and PSNR against the pattern. */
async function check(file) {
  const demuxer = await Demuxer.open(file);
  const track = demuxer.videoTracks[0];
  let frames = 0;
  let psnrSum = 0;
  const pending = [];
  const decoder = new VideoDecoder({
    output: (frame) => {
      frames++;
      if (!generated) return frame.close();
      const index = Math.round((frame.timestamp * CLIP.fps) / 1e6);
      const luma = new Uint8Array(frame.allocationSize());
      pending.push(
        frame.copyTo(luma).then(() => {
          psnrSum += lumaPsnr(luma, pattern(index), CLIP.width * CLIP.height);
          frame.close();
        }),
      );
    },
    error: (e) => console.error(e),
  });
  decoder.configure(track.config);
  for await (const { chunk } of demuxer.chunks(track)) decoder.decode(chunk);
  await decoder.flush();
  await Promise.all(pending);
  decoder.close();
  demuxer.close();
  return { frames, psnr: frames ? psnrSum / frames : 0, codec: track.codec };
}

const name = basename(input, extname(input));
const outputs = [join(outDir, `${generated ? 'demo' : name}.mp4`), join(outDir, `${generated ? 'demo' : name}.webm`)];
for (const output of outputs) {
  const summary = await runTranscode(input, output, {}, { stream: process.stdout });
  const { frames, psnr, codec } = await check(output);
  const quality = generated ? `, luma PSNR against the pattern ${psnr.toFixed(2)} dB` : '';
  console.log(`  check: ${frames} ${codec} frames decoded back${quality}`);
  if (frames !== summary.frames) {
    console.error(`expected ${summary.frames} frames in ${output}, decoded ${frames}`);
    process.exitCode = 1;
  }
}
console.log(`outputs: ${outputs.join(', ')} (ffprobe/ffplay open them)`);
