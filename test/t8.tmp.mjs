import { decodeAll, makeImage, chunkedStream } from './helpers/images.mjs';
const { data } = makeImage('gif', { source: `testsrc2=size=96x64:rate=10`, frames: 300 });
console.log('size', data.length);
try { const r = await decodeAll({ data: chunkedStream(data, 4096), type: 'image/gif' }); console.log('ok', r.info); } catch (e) { console.log('ERR', e.message); }
for (const t of ['rgba', 'pal8', 'gray']) {
  const { data: d } = makeImage('png', { source: 'testsrc2=size=64x48', args: ['-vf', t === 'rgba' ? 'format=rgba,colorchannelmixer=aa=0.5' : `format=${t}`] });
  try { const r = await decodeAll({ data: d, type: 'image/png' }); console.log(t, 'ok', r.frames[0].format); } catch (e) { console.log(t, 'ERR', e.name, e.message); }
}
