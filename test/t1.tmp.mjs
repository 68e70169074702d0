import { ImageDecoder } from 'webcodecs-native';
import { readFileSync } from 'node:fs';
const dir = '/tmp/imgx/';
for (const [f, type] of [['still.png','image/png'],['anim.apng','image/png'],['anim.gif','image/gif'],['anim.webp','image/webp'],['still.webp','image/webp'],['still.jpg','image/jpeg'],['still.bmp','image/bmp'],['still.avif','image/avif'],['anim.avif','image/avif'],['still.ico','image/x-icon']]) {
  const d = new ImageDecoder({ data: readFileSync(dir + f), type });
  try {
    await d.tracks.ready;
    const t = d.tracks.selectedTrack;
    await d.completed;
    const out = [];
    const r = await d.decode();
    out.push(`${r.image.format} ${r.image.codedWidth}x${r.image.codedHeight} ts=${r.image.timestamp} dur=${r.image.duration} cs=${JSON.stringify(r.image.colorSpace.toJSON())}`);
    r.image.close();
    let n = 0;
    for (;;) { try { const x = await d.decode({ frameIndex: n }); out.push(x.image.timestamp); x.image.close(); n++; } catch (e) { out.push(`${e.name}: ${e.message}`); break; } }
    console.log(f, t.animated, t.frameCount, t.repetitionCount, n, out.join(' | '));
  } catch (e) { console.log(f, 'ERR', e.name, e.message); }
  d.close();
}
