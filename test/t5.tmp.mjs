import { decodeAll, makeImage, sourceFrames, rgbOf } from './helpers/images.mjs';
import { psnr } from './helpers/media.mjs';
const SRC = 'testsrc2=size=64x48:rate=10';
for (const q of ['90', '100']) {
  const { data, file } = makeImage('webp', { source: SRC, frames: 5, args: ['-c:v', 'libwebp_anim', '-quality', q, '-loop', '4', '-compression_level', '6', '-preset', 'picture'] });
  const { frames } = await decodeAll({ data, type: 'image/webp' });
  const source = sourceFrames(SRC, 5, 'rgba', 64*48*4);
  console.log(frames.map((f, i) => psnr(rgbOf(f.bytes, 4), rgbOf(source[i], 4)).toFixed(1)).join(' '));
  const still = makeImage('webp', { source: SRC, frames: 1, args: ['-c:v', 'libwebp', '-quality', q] });
  const s = await decodeAll({ data: still.data, type: 'image/webp' });
  const raw = (await import('./helpers/images.mjs')).cliFrames(still.file, 'rgba', 64*48*4);
  console.log('still via cli rgba vs source', psnr(rgbOf(raw[0],4), rgbOf(source[0],4)).toFixed(1));
}
