import { writeFileSync } from 'node:fs';
import { decodeAll, makeImage, cliFrames, sameBytes } from './helpers/images.mjs';
const SRC = 'testsrc2=size=64x48:rate=10';
const { data } = makeImage('webp', { source: SRC, frames: 2, args: ['-c:v', 'libwebp_anim', '-quality', '90'] });
const { frames } = await decodeAll({ data, type: 'image/webp' });
// first ANMF's VP8 chunk
let p = 12; let vp8;
while (p + 8 <= data.length) { const t = data.toString('latin1', p, p + 4); const n = data.readUInt32LE(p + 4); if (t === 'ANMF') { vp8 = data.subarray(p + 24, p + 8 + n); break; } p += 8 + n + (n & 1); }
const riff = Buffer.alloc(12); riff.write('RIFF', 0); riff.writeUInt32LE(4 + vp8.length, 4); riff.write('WEBP', 8);
writeFileSync('/tmp/imgx/f0.webp', Buffer.concat([riff, vp8]));
const ref = cliFrames('/tmp/imgx/f0.webp', 'rgba', 64 * 48 * 4);
console.log('equal', sameBytes(ref[0], frames[0].bytes));
let maxd = 0; for (let i = 0; i < ref[0].length; i++) maxd = Math.max(maxd, Math.abs(ref[0][i] - frames[0].bytes[i])); console.log('maxd', maxd);
