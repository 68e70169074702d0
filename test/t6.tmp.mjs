import { decodeAll, makeImage, sourceFrames } from './helpers/images.mjs';
const SRC = 'testsrc2=size=64x48:rate=10';
const { data } = makeImage('webp', { source: SRC, frames: 2, args: ['-c:v', 'libwebp_anim', '-quality', '90'] });
const { frames } = await decodeAll({ data, type: 'image/webp' });
const source = sourceFrames(SRC, 2, 'rgba', 64*48*4);
const f = frames[0].bytes, s = source[0];
const diff = [0,0,0,0]; let maxd = 0;
for (let i = 0; i < f.length; i++) { diff[i%4] += f[i]-s[i]; maxd = Math.max(maxd, Math.abs(f[i]-s[i])); }
console.log('mean diff per channel', diff.map(d => (d/(64*48)).toFixed(2)), 'max', maxd);
console.log('row0 ours', Array.from(f.subarray(0, 24)).join(','));
console.log('row0 src ', Array.from(s.subarray(0, 24)).join(','));
let chunks = []; for (let p = 12; p + 8 <= data.length;) { const t = data.toString('latin1', p, p+4); const n = data.readUInt32LE(p+4); chunks.push(t + ':' + n); if (t === 'ANMF') { const q = p + 24; chunks.push('  sub ' + data.toString('latin1', q, q+4) + ' flags=' + data[p+23]); } p += 8 + n + (n & 1); }
console.log(chunks.join(' '));
