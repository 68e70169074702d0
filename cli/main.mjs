// The command line: `webcodecs-native transcode <in> <out> [options]`,
// `webcodecs-native probe <file>`. Exit codes: 0 done, 1 the work failed
// (unreadable input, unsupported codec, corrupt data), 2 bad usage.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { Demuxer } from 'webcodecs-native';

import { UsageError, parseBitrate, transcode } from './transcode.mjs';

const USAGE = `Usage:
  webcodecs-native transcode <input> <output> [options]
  webcodecs-native probe <file>

transcode options:
  --video-codec <c>    h264, hevc, vp8, vp9, av1, a codec string, copy or none
                       (default: h264 for .mp4/.mov/.mkv, vp9 for .webm)
  --audio-codec <c>    aac, opus, mp3, flac, vorbis, pcm, copy or none
                       (default: aac for .mp4/.mov, opus for .webm/.mkv)
  --width <px>, --height <px>
                       output size (one of them keeps the aspect ratio)
  --bitrate <b>        video bitrate, e.g. 2M or 800k
  --audio-bitrate <b>  audio bitrate, e.g. 128k
  --format <f>         mp4, mov, webm or mkv (default: from the extension)
  --stats              print a JSON report (throughput, event loop, memory)
  --quiet              no progress or summary
`;

function positiveInt(text, option) {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0 || n % 2 !== 0) throw new UsageError(`${option} expects a positive even number of pixels; got "${text}".`);
  return n;
}

const clock = (s) => {
  const t = Math.max(0, Math.round(s));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

/** A progress line on a terminal: bar, frames, fps, speed, ETA. */
function progressLine({ frames, position, duration, elapsed }) {
  const fraction = duration ? Math.min(1, position / duration) : null;
  const width = 24;
  const filled = fraction === null ? 0 : Math.round(fraction * width);
  const bar = fraction === null ? '' : `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
  const fps = elapsed > 0 ? frames / elapsed : 0;
  const speed = elapsed > 0 ? position / 1e6 / elapsed : 0;
  const eta = fraction && fraction > 0 ? clock((elapsed * (1 - fraction)) / fraction) : '--:--';
  return `${bar}frame ${frames}  ${fps.toFixed(1)} fps  ${speed.toFixed(2)}x  ETA ${eta}`;
}

export function summaryLine(s) {
  const what = [
    s.video ? `video ${s.video.codec}${s.video.copied ? ' (copied)' : ` ${s.video.width}x${s.video.height}`}` : null,
    s.audio ? `audio ${s.audio.codec}${s.audio.copied ? ' (copied)' : ` ${s.audio.sampleRate} Hz ${s.audio.numberOfChannels} ch`}` : null,
  ].filter(Boolean);
  const speed = s.seconds > 0 ? s.mediaSeconds / s.seconds : 0;
  return `${s.input} -> ${s.output}: ${s.frames} frames, ${s.mediaSeconds.toFixed(2)} s of media in ${s.seconds.toFixed(2)} s (${speed.toFixed(2)}x); ${what.join(', ')}`;
}

/** Runs `transcode` with a progress display on `stream` (a TTY gets a live line). */
export async function runTranscode(input, output, options, { stream = process.stderr, quiet = false } = {}) {
  const live = !quiet && stream.isTTY;
  let last = 0;
  const summary = await transcode(input, output, options, (p) => {
    const now = performance.now();
    if (!live || now - last < 200) return;
    last = now;
    stream.write(`\r${progressLine(p)}\x1b[K`);
  });
  if (live) stream.write(`\r${progressLine({ ...summary, position: summary.mediaSeconds * 1e6, duration: summary.mediaSeconds * 1e6, elapsed: summary.seconds })}\x1b[K\n`);
  if (!quiet) stream.write(`${summaryLine(summary)}\n`);
  return summary;
}

function jsonTrack(t) {
  const config = t.config && { ...t.config };
  if (config?.description) config.description = Buffer.from(config.description).toString('base64');
  return { ...t, config };
}

async function probe(file) {
  const demuxer = await Demuxer.open(file);
  try {
    return { format: demuxer.format, formatName: demuxer.formatName, duration: demuxer.duration, tracks: demuxer.tracks.map(jsonTrack) };
  } finally {
    demuxer.close();
  }
}

export async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'video-codec': { type: 'string' },
        'audio-codec': { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        bitrate: { type: 'string' },
        'audio-bitrate': { type: 'string' },
        format: { type: 'string' },
        stats: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    if (command === 'probe') {
      if (args.length !== 1) throw new UsageError('probe takes one file.');
      process.stdout.write(`${JSON.stringify(await probe(args[0]), null, 2)}\n`);
      return 0;
    }
    if (command === 'transcode') {
      if (args.length !== 2) throw new UsageError('transcode takes an input and an output file.');
      const options = {
        videoCodec: values['video-codec'],
        audioCodec: values['audio-codec'],
        width: positiveInt(values.width, '--width'),
        height: positiveInt(values.height, '--height'),
        bitrate: values.bitrate === undefined ? undefined : parseBitrate(values.bitrate, '--bitrate'),
        audioBitrate: values['audio-bitrate'] === undefined ? undefined : parseBitrate(values['audio-bitrate'], '--audio-bitrate'),
        format: values.format,
      };
      const lag = monitorEventLoopDelay({ resolution: 1 });
      lag.enable();
      const summary = await runTranscode(args[0], args[1], options, { quiet: values.quiet });
      lag.disable();
      if (values.stats) {
        const stats = {
          ...summary,
          framesPerSecond: summary.frames / summary.seconds,
          speed: summary.mediaSeconds / summary.seconds,
          eventLoopDelayMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
          maxRssMiB: process.resourceUsage().maxRSS / 1024,
        };
        process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      }
      return 0;
    }
    throw new UsageError(`Unknown command "${command}".`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`webcodecs-native: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`webcodecs-native: ${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err?.message ?? err}\n`);
    return 1;
  }
}
