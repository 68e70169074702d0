// Files the ffmpeg CLI reads, written from EncodedAudioChunks and their
// decoderConfig: Ogg (Opus, Vorbis) with granule positions from the chunks'
// timestamps, ADTS for AAC, and the codecs' raw streams.
import { chunkBytes } from './media.mjs';

// --- Ogg (RFC 3533) ----------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(bytes) {
  let c = 0;
  for (const b of bytes) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b) & 0xff]) >>> 0;
  return c;
}

/** One Ogg page holding one packet. */
function oggPage(packet, { granule, serial, sequence, first, last }) {
  const lacing = [];
  let n = packet.length;
  for (; n >= 255; n -= 255) lacing.push(255);
  lacing.push(n);
  const page = Buffer.alloc(27 + lacing.length + packet.length);
  page.write('OggS', 0);
  page[5] = (first ? 0x02 : 0) | (last ? 0x04 : 0);
  page.writeBigInt64LE(BigInt(granule), 6);
  page.writeUInt32LE(serial, 14);
  page.writeUInt32LE(sequence, 18);
  page[26] = lacing.length;
  Buffer.from(lacing).copy(page, 27);
  Buffer.from(packet).copy(page, 27 + lacing.length);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** An Ogg stream: header packets (granule 0), then audio packets with their granules. */
function oggStream(headers, audio) {
  const serial = 0x5eed;
  const pages = [];
  headers.forEach((h, i) => pages.push(oggPage(h, { granule: 0, serial, sequence: i, first: i === 0 })));
  audio.forEach(({ data, granule }, i) =>
    pages.push(oggPage(data, { granule, serial, sequence: headers.length + i, last: i === audio.length - 1 })),
  );
  return Buffer.concat(pages);
}

/**
 * The first sample after each chunk, counted from the first chunk at `rate`:
 * chunk timestamps are floor(samples * 1e6 / rate), which this inverts exactly.
 */
function endSamples(chunks, rate) {
  const t0 = chunks[0].timestamp;
  return chunks.map((c) => Math.ceil(((c.timestamp + c.duration - t0) * rate) / 1e6));
}

/**
 * Ogg Opus (RFC 7845): the OpusHead description, a minimal OpusTags, and the
 * packets; granules are 48 kHz sample counts including the pre-skip, so the
 * last one trims the stream to its real length.
 */
export function oggOpus(chunks, description) {
  const tags = Buffer.alloc(8 + 4 + 4 + 4);
  tags.write('OpusTags', 0);
  tags.writeUInt32LE(4, 8);
  tags.write('test', 12);
  tags.writeUInt32LE(0, 16);
  const ends = endSamples(chunks, 48000);
  return oggStream([description, tags], chunks.map((c, i) => ({ data: chunkBytes(c), granule: ends[i] })));
}

/** The three Vorbis headers of a description in FFmpeg's Xiph form. */
function vorbisHeaders(description) {
  let pos = 1;
  const sizes = [];
  for (let k = 0; k < 2; k++) {
    let size = 0;
    while (description[pos] === 255) size += description[pos++];
    sizes.push(size + description[pos++]);
  }
  const a = description.subarray(pos, pos + sizes[0]);
  const b = description.subarray(pos + sizes[0], pos + sizes[0] + sizes[1]);
  const c = description.subarray(pos + sizes[0] + sizes[1]);
  return [a, b, c];
}

/** Ogg Vorbis: granules are decoded sample counts at the stream's rate. */
export function oggVorbis(chunks, description, rate) {
  const ends = endSamples(chunks, rate);
  return oggStream(vorbisHeaders(description), chunks.map((c, i) => ({ data: chunkBytes(c), granule: ends[i] })));
}

// --- AAC, FLAC, raw streams ---------------------------------------------------

/**
 * ADTS frames of raw AAC chunks, with the header fields taken from the
 * AudioSpecificConfig (object type, sampling frequency index, channel
 * configuration).
 */
export function adtsFromRaw(chunks, asc) {
  const objectType = asc[0] >> 3;
  const rateIndex = ((asc[0] & 7) << 1) | (asc[1] >> 7);
  const channelConfig = (asc[1] >> 3) & 0xf;
  return Buffer.concat(
    chunks.map((c) => {
      const payload = chunkBytes(c);
      const length = payload.length + 7;
      const header = Buffer.from([
        0xff,
        0xf1,
        ((objectType - 1) << 6) | (rateIndex << 2) | (channelConfig >> 2),
        ((channelConfig & 3) << 6) | (length >> 11),
        (length >> 3) & 0xff,
        ((length & 7) << 5) | 0x1f,
        0xfc,
      ]);
      return Buffer.concat([header, payload]);
    }),
  );
}

/** The chunks back to back, after the description if any (FLAC: a .flac file). */
export function rawStream(chunks, description) {
  return Buffer.concat([...(description ? [Buffer.from(description)] : []), ...chunks.map(chunkBytes)]);
}
