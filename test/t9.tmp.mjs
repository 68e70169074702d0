import { ImageDecoder } from 'webcodecs-native';
import { makeImage, chunkedStream } from './helpers/images.mjs';
const { data } = makeImage('jpg', { source: 'testsrc2=size=64x48:rate=10' });
for (let k = 0; k < 60; k++) {
  const d = new ImageDecoder({ data: chunkedStream(data, 97), type: 'image/jpeg' });
  d.tracks.ready.catch((e) => console.log('ready rejected', e.name, e.message));
  d.completed.catch((e) => console.log('completed rejected', e.name, e.message));
  const early = d.decode(); early.catch(e => console.log("early", e.name, e.message)); try { await d.tracks.ready; await d.completed; await early; const r = await d.decode(); r.image.close(); await d.decode({frameIndex: 1}).catch(e => { if (!(e instanceof RangeError)) throw e; }); } catch (e) { console.log(k, 'ERR', e.name, e.message); }
  d.close();
}
