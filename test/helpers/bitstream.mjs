// Bit-level rewriting of codec headers for hostile-input tests: streams we
// encoded, edited to declare other frame sizes (H.264/HEVC SPS, VP9 frame
// and VP8 frame headers, AV1 sequence headers) while every other field
// stays as it was.
import { annexbNals } from './media.mjs';

export class BitReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.pos = 0; // in bits
  }
  get remaining() {
    return this.bytes.length * 8 - this.pos;
  }
  bit() {
    if (this.pos >= this.bytes.length * 8) throw new RangeError('read past the end');
    const b = (this.bytes[this.pos >> 3] >> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }
  bits(n) {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.bit();
    return v;
  }
  /** Exp-Golomb ue(v). */
  ue() {
    let zeros = 0;
    while (this.bit() === 0) zeros++;
    return 2 ** zeros - 1 + this.bits(zeros);
  }
  se() {
    const k = this.ue();
    return k % 2 ? (k + 1) / 2 : -k / 2;
  }
  /** AV1 uvlc(). */
  uvlc() {
    let zeros = 0;
    while (this.bit() === 0) zeros++;
    return zeros >= 32 ? 2 ** 32 - 1 : this.bits(zeros) + 2 ** zeros - 1;
  }
}

export class BitWriter {
  constructor() {
    this.out = [];
  }
  bit(b) {
    this.out.push(b ? 1 : 0);
  }
  bits(n, v) {
    for (let i = n - 1; i >= 0; i--) this.bit(Math.floor(v / 2 ** i) % 2);
  }
  ue(v) {
    const x = v + 1;
    const len = Math.floor(Math.log2(x));
    this.bits(len, 0);
    this.bits(len + 1, x);
  }
  /** Copies what `r` has between its position and `end` (in bits). */
  copy(r, end) {
    while (r.pos < end) this.bit(r.bit());
  }
  /** Ends with rbsp_trailing_bits / AV1 trailing_bits: a 1, then zeros to a byte. */
  finish() {
    this.bit(1);
    return this.padded();
  }
  /** The bits so far, zero-padded to a whole byte. */
  padded() {
    while (this.out.length % 8) this.bit(0);
    const bytes = new Uint8Array(this.out.length / 8);
    for (let i = 0; i < this.out.length; i++) bytes[i >> 3] |= this.out[i] << (7 - (i & 7));
    return bytes;
  }
}

/** The bit position of the trailing stop bit (the last 1) of `bytes`. */
function stopBit(bytes) {
  let i = bytes.length - 1;
  while (i >= 0 && bytes[i] === 0) i--;
  if (i < 0) throw new Error('no stop bit');
  let bit = 7;
  while (!((bytes[i] >> (7 - bit)) & 1)) bit--;
  return i * 8 + bit;
}

/** RBSP of a NAL payload (emulation prevention bytes removed). */
function unescape(bytes) {
  const out = [];
  let zeros = 0;
  for (const b of bytes) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** A NAL payload with emulation prevention bytes inserted. */
function escape(rbsp) {
  const out = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** The bytes of `parts` (Uint8Arrays) one after the other. */
export function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

const START = Uint8Array.of(0, 0, 0, 1);

/**
 * Rewrites an SPS NAL (header included) so that the field read by
 * `readUpToSize` (which leaves the reader just before the size fields) is
 * replaced by `writeSize(writer)`; `skipSize(reader)` consumes the old ones.
 */
function rewriteSps(nal, headerBytes, readUpToSize, skipSize, writeSize) {
  const rbsp = unescape(nal.subarray(headerBytes));
  const r = new BitReader(rbsp);
  readUpToSize(r);
  const prefixEnd = r.pos;
  skipSize(r);
  const w = new BitWriter();
  const prefix = new BitReader(rbsp);
  w.copy(prefix, prefixEnd);
  writeSize(w);
  w.copy(r, stopBit(rbsp));
  return concat([nal.subarray(0, headerBytes), escape(w.finish())]);
}

/** Replaces the NAL units of type `type` in Annex B `bytes` by `edit(nal)`. */
function editAnnexB(bytes, hevc, type, edit) {
  const nals = annexbNals(bytes).map((n) => ((hevc ? (n[0] >> 1) & 0x3f : n[0] & 0x1f) === type ? edit(n) : n));
  return concat(nals.flatMap((n) => [START, n]));
}

/** H.264 Annex B access unit whose SPS declares width x height (multiples of 16). */
export function h264WithSize(bytes, width, height) {
  return editAnnexB(bytes, false, 7, (nal) =>
    rewriteSps(
      nal,
      1,
      (r) => {
        const profile = r.bits(8);
        r.bits(16); // constraint flags, level_idc
        r.ue(); // seq_parameter_set_id
        if ([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].includes(profile)) {
          if (r.ue() === 3) r.bit(); // chroma_format_idc, separate_colour_plane_flag
          r.ue();
          r.ue(); // bit depths
          r.bit(); // qpprime_y_zero_transform_bypass_flag
          if (r.bit()) throw new Error('SPS scaling matrices are not handled');
        }
        r.ue(); // log2_max_frame_num_minus4
        const pocType = r.ue();
        if (pocType === 0) r.ue();
        else if (pocType === 1) {
          r.bit();
          r.se();
          r.se();
          const n = r.ue();
          for (let i = 0; i < n; i++) r.se();
        }
        r.ue(); // max_num_ref_frames
        r.bit(); // gaps_in_frame_num_value_allowed_flag
      },
      (r) => {
        r.ue();
        r.ue();
      },
      (w) => {
        w.ue(width / 16 - 1);
        w.ue(height / 16 - 1); // frame_mbs_only_flag is 1 in our streams
      },
    ),
  );
}

/** HEVC Annex B access unit whose SPS declares width x height. */
export function hevcWithSize(bytes, width, height) {
  return editAnnexB(bytes, true, 33, (nal) =>
    rewriteSps(
      nal,
      2,
      (r) => {
        r.bits(4); // sps_video_parameter_set_id
        const subLayers = r.bits(3); // sps_max_sub_layers_minus1
        r.bit(); // sps_temporal_id_nesting_flag
        r.bits(96 - 8); // general profile/tier/level up to general_level_idc
        r.bits(8); // general_level_idc
        const present = [];
        for (let i = 0; i < subLayers; i++) present.push([r.bit(), r.bit()]);
        if (subLayers > 0) for (let i = subLayers; i < 8; i++) r.bits(2);
        for (const [profile, level] of present) {
          if (profile) r.bits(88);
          if (level) r.bits(8);
        }
        r.ue(); // sps_seq_parameter_set_id
        if (r.ue() === 3) r.bit(); // chroma_format_idc, separate_colour_plane_flag
      },
      (r) => {
        r.ue();
        r.ue();
      },
      (w) => {
        w.ue(width);
        w.ue(height);
      },
    ),
  );
}

/** A VP9 key frame (not a superframe) whose header declares width x height. */
export function vp9KeyFrameWithSize(bytes, width, height) {
  const r = new BitReader(bytes);
  if (r.bits(2) !== 2) throw new Error('not a VP9 frame');
  const profile = r.bit() | (r.bit() << 1);
  if (profile === 3) r.bit();
  if (r.bit() !== 0 || r.bit() !== 0) throw new Error('not a key frame');
  r.bits(2); // show_frame, error_resilient_mode
  if (r.bits(24) !== 0x498342) throw new Error('bad sync code');
  if (profile >= 2) r.bit();
  const colorSpace = r.bits(3);
  if (colorSpace !== 7) {
    r.bit();
    if (profile === 1 || profile === 3) r.bits(3);
  } else if (profile === 1 || profile === 3) r.bit();
  const out = bytes.slice();
  const at = r.pos;
  const w = new BitWriter();
  w.bits(16, width - 1);
  w.bits(16, height - 1);
  w.out.forEach((b, i) => {
    const p = at + i;
    out[p >> 3] = (out[p >> 3] & ~(1 << (7 - (p & 7)))) | (b << (7 - (p & 7)));
  });
  return out;
}

/** A VP8 key frame whose header declares width x height (each below 16384; scale bits kept). */
export function vp8KeyFrameWithSize(bytes, width, height) {
  const out = bytes.slice();
  out[6] = width & 0xff;
  out[7] = (out[7] & 0xc0) | (width >> 8);
  out[8] = height & 0xff;
  out[9] = (out[9] & 0xc0) | (height >> 8);
  return out;
}

/** Whether a VP9 chunk starts with a show_existing_frame header: one byte that shows a frame decoded before. */
export function vp9ShowsExistingFrame(bytes) {
  const b = bytes[0];
  if (bytes.length === 0 || b >> 6 !== 2) return false; // frame_marker
  const profile = ((b >> 5) & 1) | (((b >> 4) & 1) << 1);
  return profile === 3 ? (b & 0x0c) === 0x04 : (b & 0x08) !== 0; // profile 3 has a reserved zero bit first
}

/**
 * A VP9 inter frame header (profile 0, shown) whose size is given
 * explicitly rather than taken from a reference, followed by `tail`.
 */
export function vp9InterFrameWithSize(width, height, tail) {
  const w = new BitWriter();
  w.bits(2, 2); // frame_marker
  w.bits(2, 0); // profile 0
  w.bit(0); // show_existing_frame
  w.bit(1); // frame_type: non-key
  w.bit(1); // show_frame
  w.bit(0); // error_resilient_mode
  w.bits(2, 0); // reset_frame_context
  w.bits(8, 1); // refresh_frame_flags
  w.bits(12, 0); // ref_frame_idx[3], ref_frame_sign_bias[3]
  w.bits(3, 0); // found_ref: none
  w.bits(16, width - 1);
  w.bits(16, height - 1);
  return concat([w.finish(), tail]);
}

function leb128(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Uint8Array.from(out);
}

/** The OBUs of an AV1 chunk (low-overhead format, every OBU with a size). */
function obus(bytes) {
  const out = [];
  let pos = 0;
  while (pos < bytes.length) {
    const header = bytes[pos];
    const ext = header & 4 ? 1 : 0;
    let p = pos + 1 + ext;
    let size = bytes.length - p; // without obu_size, the OBU runs to the end
    if (header & 2) {
      size = 0;
      let shift = 1;
      for (;;) {
        const b = bytes[p++];
        size += (b & 0x7f) * shift;
        shift *= 128;
        if (!(b & 0x80)) break;
      }
    }
    // Re-emitted with obu_has_size_field set.
    const head = Uint8Array.from(bytes.subarray(pos, pos + 1 + ext));
    head[0] |= 2;
    out.push({ type: (header >> 3) & 0xf, head, payload: bytes.subarray(p, p + size) });
    pos = p + size;
  }
  return out;
}

/**
 * Whether `bytes` parse as AV1 OBUs (low-overhead format): no forbidden bit
 * set, every size within the data (an OBU without one runs to the end).
 */
export function av1WellFormed(bytes) {
  let pos = 0;
  while (pos < bytes.length) {
    const header = bytes[pos++];
    if (header & 0x80) return false;
    if (header & 4) pos++;
    let size = bytes.length - pos;
    if (header & 2) {
      size = 0;
      for (let i = 0; ; i++) {
        if (i === 8 || pos >= bytes.length) return false;
        const b = bytes[pos++];
        size += (b & 0x7f) * 2 ** (7 * i);
        if (!(b & 0x80)) break;
      }
    }
    if (pos > bytes.length || size > bytes.length - pos) return false;
    pos += size;
  }
  return true;
}

/** Offsets at which the OBUs of an AV1 chunk end. */
export function av1ObuEnds(bytes) {
  let end = 0;
  return obus(bytes).map(({ head, payload }) => {
    end = payload.byteOffset - bytes.byteOffset + payload.length;
    return end;
  });
}

/** An AV1 chunk whose sequence header declares a max_frame_width/height. */
export function av1WithSize(bytes, width, height) {
  const parts = obus(bytes).map(({ type, head, payload }) => {
    if (type !== 1) return concat([head, leb128(payload.length), payload]);
    const r = new BitReader(payload);
    r.bits(3); // seq_profile
    r.bit(); // still_picture
    if (r.bit()) {
      r.bits(5); // reduced_still_picture_header: seq_level_idx[0]
    } else {
      let decoderModel = 0;
      let delayBits = 0;
      if (r.bit()) {
        // timing_info
        r.bits(32);
        r.bits(32);
        if (r.bit()) r.uvlc();
        decoderModel = r.bit();
        if (decoderModel) {
          delayBits = r.bits(5) + 1;
          r.bits(32);
          r.bits(10);
        }
      }
      const initialDelay = r.bit();
      const points = r.bits(5) + 1;
      for (let i = 0; i < points; i++) {
        r.bits(12);
        if (r.bits(5) > 7) r.bit();
        if (decoderModel && r.bit()) {
          r.bits(delayBits);
          r.bits(delayBits);
          r.bit();
        }
        if (initialDelay && r.bit()) r.bits(4);
      }
    }
    const prefixEnd = r.pos;
    const widthBits = r.bits(4) + 1;
    const heightBits = r.bits(4) + 1;
    r.bits(widthBits);
    r.bits(heightBits);
    const w = new BitWriter();
    w.copy(new BitReader(payload), prefixEnd);
    w.bits(4, 15);
    w.bits(4, 15);
    w.bits(16, width - 1);
    w.bits(16, height - 1);
    w.copy(r, stopBit(payload));
    const edited = w.finish();
    return concat([head, leb128(edited.length), edited]);
  });
  return concat(parts);
}

/** The parameter-set NAL units of an avcC/hvcC with each rewritten by `edit(nal, type)` (lengths updated). */
function editRecord(desc, hevc, edit) {
  const out = [];
  let pos = hevc ? 23 : 5;
  out.push(desc.subarray(0, pos));
  const arrays = hevc ? desc[22] : 2; // avcC: the SPS list, then the PPS list
  for (let a = 0; a < arrays; a++) {
    let count;
    let type;
    if (hevc) {
      type = desc[pos] & 0x3f;
      count = (desc[pos + 1] << 8) | desc[pos + 2];
      out.push(desc.subarray(pos, pos + 3));
      pos += 3;
    } else {
      type = a === 0 ? 7 : 8;
      count = desc[pos] & (a === 0 ? 0x1f : 0xff);
      out.push(desc.subarray(pos, pos + 1));
      pos += 1;
    }
    for (let i = 0; i < count; i++) {
      const length = (desc[pos] << 8) | desc[pos + 1];
      const nal = edit(desc.subarray(pos + 2, pos + 2 + length), type);
      out.push(Uint8Array.of(nal.length >> 8, nal.length & 0xff), nal);
      pos += 2 + length;
    }
  }
  out.push(desc.subarray(pos));
  return concat(out);
}

/** An avcC whose SPS declares width x height (multiples of 16). */
export function avcDescriptionWithSize(desc, width, height) {
  return editRecord(desc, false, (nal, type) => (type === 7 ? annexbNals(h264WithSize(concat([START, nal]), width, height))[0] : nal));
}

/** An hvcC whose SPS declares width x height. */
export function hevcDescriptionWithSize(desc, width, height) {
  return editRecord(desc, true, (nal, type) => (type === 33 ? annexbNals(hevcWithSize(concat([START, nal]), width, height))[0] : nal));
}

