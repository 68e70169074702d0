import { ImageDecoder } from 'webcodecs-native';
import { readFileSync } from 'node:fs';
const dir = '/tmp/imgx/';
async function run(label, data, type) {
  const d = new ImageDecoder({ data, type });
  const out = [];
  try { await d.tracks.ready; out.push(`ready fc=${d.tracks[0].frameCount}`); } catch (e) { out.push(`ready:${e.name}:${e.message}`); }
  for (let i = 0; i < 6; i++) { try { const r = await d.decode({ frameIndex: i }); r.image.close(); out.push(`ok${i}`); } catch (e) { out.push(`${i}:${e.name}:${e.message}`); break; } }
  console.log(label, out.join(' | '));
}
const gif = readFileSync(dir + 'anim.gif');
await run('gif trunc in frame 3', gif.subarray(0, 2100), 'image/gif');
await run('gif trunc in frame 0', gif.subarray(0, 1000), 'image/gif');
const png = readFileSync(dir + 'still.png');
await run('png trunc', png.subarray(0, 300), 'image/png');
const jpg = readFileSync(dir + 'still.jpg');
await run('jpg trunc', jpg.subarray(0, 1000), 'image/jpeg');
const cj = Buffer.from(jpg); for (let i = 700; i < 900; i++) cj[i] ^= 0x5a;
await run('jpg corrupt', cj, 'image/jpeg');
const cp = Buffer.from(png); for (let i = 100; i < 200; i++) cp[i] ^= 0x5a;
await run('png corrupt', cp, 'image/png');
const cg = Buffer.from(gif); for (let i = 1000; i < 1100; i++) cg[i] ^= 0x5a;
await run('gif corrupt', cg, 'image/gif');
const bomb = Buffer.from(gif); bomb.writeUInt16LE(60000, 6); bomb.writeUInt16LE(60000, 8);
await run('gif bomb', bomb, 'image/gif');
await run('garbage png', Buffer.from('hello world, not a png'), 'image/png');
const webp = readFileSync(dir + 'anim.webp');
await run('webp trunc', webp.subarray(0, 1500), 'image/webp');
const avif = readFileSync(dir + 'still.avif');
await run('avif trunc', avif.subarray(0, 400), 'image/avif');
