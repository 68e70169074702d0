// One measurement of bench/transcode.mjs in its own process: the CLI's
// transcode() (Demuxer -> decoders -> encoders -> Muxer) on a file. Prints
// one JSON line.
//
//   node bench/transcode-job.mjs transcode '{"input":..., "output":..., "options":{...}}'
import { transcode } from '../cli/transcode.mjs';

import { report, start, stop } from './lib/job.mjs';

const [, json] = process.argv.slice(2);
const { input, output, options } = JSON.parse(json);
start();
const summary = await transcode(input, output, options);
const seconds = stop();
report({ seconds, frames: summary.frames, video: summary.video.codec, audio: summary.audio.codec });
