// isConfigSupported() and configure() over a table of configs for both
// video classes. Expectations come from the spec and the codec registrations:
//  - TypeError: the config is not "valid" (WebIDL conversion, or the
//    "valid VideoDecoderConfig / VideoEncoderConfig" steps);
//  - unsupported: valid, but "Check Configuration Support" is false: the
//    codec string is not a valid string of a registration (ambiguous,
//    wrong case, MIME type, audio codec...), names a profile the library
//    cannot decode or encode exactly, or the sizes are beyond our limits;
//  - supported: a codec really opens with the config.
// isConfigSupported() rejects (TypeError) or resolves {supported, config};
// configure() throws TypeError, or closes the codec with NotSupportedError.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { VideoDecoder, VideoEncoder } from 'webcodecs-native';

import { encodeClip } from '../helpers/codecs.mjs';

const isDom = (name) => (e) => e instanceof DOMException && e.name === name;

function detachedBuffer() {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

const DECODER_KEYS = new Set([
  'codec', 'description', 'codedWidth', 'codedHeight', 'displayAspectWidth', 'displayAspectHeight', 'colorSpace',
  'hardwareAcceleration', 'optimizeForLatency', 'rotation', 'flip',
]);
const ENCODER_KEYS = new Set([
  'codec', 'width', 'height', 'displayWidth', 'displayHeight', 'bitrate', 'framerate', 'hardwareAcceleration', 'alpha',
  'scalabilityMode', 'bitrateMode', 'latencyMode', 'contentHint', 'avc', 'hevc',
]);

// Real configuration records to describe AVC and HEVC streams.
const { decoderConfig: avcConfig } = await encodeClip({ codec: 'avc1.42001f', width: 64, height: 64 }, 1);
const { decoderConfig: hevcConfig } = await encodeClip({ codec: 'hvc1.1.6.L93.B0', width: 64, height: 64 }, 1);
const avcC = avcConfig.description;
const hvcC = hevcConfig.description;

/** `bytes` with `patch(copy)` applied to a copy. */
function edited(bytes, patch) {
  const copy = bytes.slice();
  patch(copy);
  return copy;
}
const padded = (bytes, extra) => {
  const out = new Uint8Array(bytes.length + extra);
  out.set(bytes);
  return out;
};

/** A copy of `bytes` in shared memory. */
const inShared = (bytes) => {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.length));
  out.set(bytes);
  return out;
};

// [description, config, expectation]
const DECODER_TABLE = [
  // Not valid: TypeError.
  ['missing codec', {}, 'TypeError'],
  ['empty codec', { codec: '' }, 'TypeError'],
  ['codec of ASCII whitespace', { codec: ' \t\n\f\r' }, 'TypeError'],
  ['codedWidth without codedHeight', { codec: 'vp8', codedWidth: 640 }, 'TypeError'],
  ['codedHeight without codedWidth', { codec: 'vp8', codedHeight: 480 }, 'TypeError'],
  ['codedWidth 0', { codec: 'vp8', codedWidth: 0, codedHeight: 480 }, 'TypeError'],
  ['codedHeight 0', { codec: 'vp8', codedWidth: 640, codedHeight: 0 }, 'TypeError'],
  ['displayAspectWidth without displayAspectHeight', { codec: 'vp8', displayAspectWidth: 16 }, 'TypeError'],
  ['displayAspectHeight 0', { codec: 'vp8', displayAspectWidth: 16, displayAspectHeight: 0 }, 'TypeError'],
  ['negative codedWidth ([EnforceRange])', { codec: 'vp8', codedWidth: -1, codedHeight: 480 }, 'TypeError'],
  ['codedWidth 2^32 ([EnforceRange])', { codec: 'vp8', codedWidth: 2 ** 32, codedHeight: 480 }, 'TypeError'],
  ['codedHeight NaN ([EnforceRange])', { codec: 'vp8', codedWidth: 640, codedHeight: NaN }, 'TypeError'],
  ['detached description', { codec: 'vp8', description: detachedBuffer() }, 'TypeError'],
  ['description that is not a buffer', { codec: 'avc1.42001f', description: 'avcC' }, 'TypeError'],
  ['hardwareAcceleration "allow" (not in the enum)', { codec: 'vp8', hardwareAcceleration: 'allow' }, 'TypeError'],
  ['colorSpace with an unknown primaries', { codec: 'vp8', colorSpace: { primaries: 'p3' } }, 'TypeError'],
  ['rotation Infinity (restricted double)', { codec: 'vp8', rotation: Infinity }, 'TypeError'],

  // Valid, not a codec string of a registration: unsupported.
  ['unrecognised codec', { codec: 'bogus' }, 'unsupported'],
  ['audio codec vorbis', { codec: 'vorbis' }, 'unsupported'],
  ['audio codec opus', { codec: 'opus' }, 'unsupported'],
  ['audio codec AAC', { codec: 'mp4a.40.2' }, 'unsupported'],
  ['MIME type instead of a codec string', { codec: 'video/webm; codecs="vp8"' }, 'unsupported'],
  ['ambiguous vp9', { codec: 'vp9' }, 'unsupported'],
  ['wrong case Vp09', { codec: 'Vp09.00.10.08' }, 'unsupported'],
  ['wrong case VP8', { codec: 'VP8' }, 'unsupported'],
  ['wrong case AVC1', { codec: 'AVC1.42001E' }, 'unsupported'],
  ['leading space', { codec: ' vp8' }, 'unsupported'],
  ['trailing space', { codec: 'vp09.00.10.08 ' }, 'unsupported'],
  ['avc1 without profile and level', { codec: 'avc1' }, 'unsupported'],
  ['avc1 with 2 of 6 digits', { codec: 'avc1.42' }, 'unsupported'],
  ['avc1 with 7 digits', { codec: 'avc1.42001E0' }, 'unsupported'],
  ['avc1 with a non-hex digit', { codec: 'avc1.42001G' }, 'unsupported'],
  ['avc1 with an unknown profile_idc', { codec: 'avc1.FF000b' }, 'unsupported'],
  ['avc1 with level_idc 29 (no level 2.9)', { codec: 'avc1.4D401D' }, 'unsupported'],
  ['avc1 with reserved constraint bits', { codec: 'avc1.42E31E' }, 'unsupported'],
  ['avc2 prefix', { codec: 'avc2.42001E' }, 'unsupported'],
  ['hvc1 alone', { codec: 'hvc1' }, 'unsupported'],
  ['hev1 without compatibility and level', { codec: 'hev1.1' }, 'unsupported'],
  ['hvc1 without level', { codec: 'hvc1.1.6' }, 'unsupported'],
  ['hvc1 profile 0', { codec: 'hvc1.0.6.L93' }, 'unsupported'],
  ['hvc1 with a future profile', { codec: 'hvc1.C99.6FFFFFF.L93' }, 'unsupported'],
  ['hvc1 in reserved profile space A', { codec: 'hvc1.A1.6.L93' }, 'unsupported'],
  ['hvc1 tier X', { codec: 'hvc1.1.6.X93' }, 'unsupported'],
  ['hvc1 level 94', { codec: 'hvc1.1.6.L94' }, 'unsupported'],
  ['hvc1 with 7 constraint bytes', { codec: 'hvc1.1.6.L93.B0.0.0.0.0.0.0' }, 'unsupported'],
  ['hvc1 with a 3-digit constraint byte', { codec: 'hvc1.1.6.L93.B00' }, 'unsupported'],
  ['hvc1 screen content profile (not decodable here)', { codec: 'hvc1.9.0.L93' }, 'unsupported'],
  ['vp09 alone', { codec: 'vp09' }, 'unsupported'],
  ['vp09 with profile only', { codec: 'vp09.00' }, 'unsupported'],
  ['vp09 without bit depth', { codec: 'vp09.00.10' }, 'unsupported'],
  ['vp09 with a one-digit field', { codec: 'vp09.0.10.08' }, 'unsupported'],
  ['vp09 profile 4', { codec: 'vp09.04.10.08' }, 'unsupported'],
  ['vp09 level 15', { codec: 'vp09.00.15.08' }, 'unsupported'],
  ['vp09 bit depth 9', { codec: 'vp09.00.10.09' }, 'unsupported'],
  ['vp09 profile 0 at 10 bits', { codec: 'vp09.00.10.10' }, 'unsupported'],
  ['vp09 profile 2 at 8 bits', { codec: 'vp09.02.10.08' }, 'unsupported'],
  ['vp09 profile 1 with 4:2:0', { codec: 'vp09.01.10.08.01' }, 'unsupported'],
  ['vp09 chroma subsampling 4', { codec: 'vp09.00.10.08.04' }, 'unsupported'],
  ['vp09 reserved colour primaries 3', { codec: 'vp09.00.10.08.01.03' }, 'unsupported'],
  ['vp09 full range flag 2', { codec: 'vp09.00.10.08.01.01.01.01.02' }, 'unsupported'],
  ['vp09 identity matrix without 4:4:4', { codec: 'vp09.00.10.08.01.01.01.00' }, 'unsupported'],
  ['vp09 with too many fields', { codec: 'vp09.00.10.08.01.01.01.01.00.00' }, 'unsupported'],
  ['vp09 future string', { codec: 'vp09.99.99.08' }, 'unsupported'],
  ['av01 alone', { codec: 'av01' }, 'unsupported'],
  ['av01 without bit depth', { codec: 'av01.0.04M' }, 'unsupported'],
  ['av01 profile 3', { codec: 'av01.3.04M.08' }, 'unsupported'],
  ['av01 tier X', { codec: 'av01.0.04X.08' }, 'unsupported'],
  ['av01 one-digit level', { codec: 'av01.0.4M.08' }, 'unsupported'],
  ['av01 reserved level 24', { codec: 'av01.0.24M.08' }, 'unsupported'],
  ['av01 lower-case tier', { codec: 'av01.0.04m.08' }, 'unsupported'],
  ['av01 bit depth 9', { codec: 'av01.0.04M.09' }, 'unsupported'],
  ['av01 12 bits outside profile 2', { codec: 'av01.0.04M.12' }, 'unsupported'],
  ['av01 high tier at level 3.0 (no tier there)', { codec: 'av01.0.04H.08' }, 'unsupported'],
  ['av01 monochrome in profile 1', { codec: 'av01.1.04M.08.1' }, 'unsupported'],
  ['av01 profile 0 with 4:2:2', { codec: 'av01.0.04M.08.0.100' }, 'unsupported'],
  ['av01 future string', { codec: 'av01.9.99M.08' }, 'unsupported'],

  // Valid, but not something this implementation provides.
  ['prefer-hardware (no hardware decoder)', { codec: 'vp8', hardwareAcceleration: 'prefer-hardware' }, 'unsupported'],
  ['prefer-hardware H.264', { codec: 'avc1.42001E', hardwareAcceleration: 'prefer-hardware' }, 'unsupported'],
  ['codedWidth beyond 32768', { codec: 'vp8', codedWidth: 100000, codedHeight: 16 }, 'unsupported'],
  ['coded area beyond 16384x16384', { codec: 'vp09.00.10.08', codedWidth: 16385, codedHeight: 16384 }, 'unsupported'],
  ['description of 0xff bytes', { codec: 'avc1.42001f', description: new Uint8Array(64).fill(0xff) }, 'unsupported'],
  ['avcC cut inside its SPS', { codec: 'avc1.42001f', description: avcC.subarray(0, 10) }, 'unsupported'],
  ['avcC with 31 SPS declared', { codec: 'avc1.42001f', description: edited(avcC, (d) => (d[5] = 0xff)) }, 'unsupported'],
  ['avcC with an SPS length beyond the record', { codec: 'avc1.42001f', description: edited(avcC, (d) => (d[6] = 0xff)) }, 'unsupported'],
  ['avcC with 3-byte NAL lengths', { codec: 'avc1.42001f', description: edited(avcC, (d) => (d[4] = 0xfe)) }, 'unsupported'],
  ['avcC of version 0', { codec: 'avc1.42001f', description: edited(avcC, (d) => (d[0] = 0)) }, 'unsupported'],
  ['Annex B bytes as an avcC', { codec: 'avc1.42001f', description: new Uint8Array([0, 0, 0, 1, 0x67, 0x42, 0, 0x1f]) }, 'unsupported'],
  ['avcC padded beyond 1 MiB', { codec: 'avc1.42001f', description: padded(avcC, 1 << 20) }, 'unsupported'],
  ['hvcC cut inside its arrays', { codec: 'hvc1.1.6.L93.B0', description: hvcC.subarray(0, 30) }, 'unsupported'],
  ['hvcC with 255 arrays declared', { codec: 'hvc1.1.6.L93.B0', description: edited(hvcC, (d) => (d[22] = 0xff)) }, 'unsupported'],
  ['hvcC whose array type disagrees with its NAL units', {
    codec: 'hvc1.1.6.L93.B0', description: edited(hvcC, (d) => (d[23] = (d[23] & 0xc0) | 1)),
  }, 'unsupported'],

  // Supported.
  ['vp8', { codec: 'vp8' }, 'supported'],
  ['avc1 Baseline', { codec: 'avc1.42001E' }, 'supported'],
  ['avc1 lower-case hex', { codec: 'avc1.42001e' }, 'supported'],
  ['avcC in shared memory (AllowSharedBufferSource)', { codec: 'avc1.42001f', description: inShared(avcC) }, 'supported'],
  ['avc3 Baseline', { codec: 'avc3.42001E' }, 'supported'],
  ['avc1 Constrained Baseline flags', { codec: 'avc1.42E01E' }, 'supported'],
  ['avc1 Main', { codec: 'avc1.4d401f' }, 'supported'],
  ['avc1 High level 5.2', { codec: 'avc1.640034' }, 'supported'],
  ['avc1 High 10', { codec: 'avc1.6e001e' }, 'supported'],
  ['avc1 High 4:2:2', { codec: 'avc1.7a001e' }, 'supported'],
  ['avc1 High 4:4:4 Predictive', { codec: 'avc1.f4001e' }, 'supported'],
  ['avc1 with its avcC', { codec: 'avc1.42001f', description: avcC }, 'supported'],
  ['avc1 with its avcC plus trailing bytes', { codec: 'avc1.42001f', description: padded(avcC, 16) }, 'supported'],
  ['hvc1 Main', { codec: 'hvc1.1.6.L93.B0' }, 'supported'],
  ['hev1 Main', { codec: 'hev1.1.6.L93.B0' }, 'supported'],
  ['hvc1 with zero constraint bytes omitted', { codec: 'hvc1.1.6.L93' }, 'supported'],
  ['hvc1 Main 10', { codec: 'hvc1.2.4.L120.90' }, 'supported'],
  ['hvc1 high tier', { codec: 'hvc1.1.6.H150.B0' }, 'supported'],
  ['hev1 range extensions', { codec: 'hev1.4.10.L93.B0' }, 'supported'],
  ['hvc1 with its hvcC', { codec: 'hvc1.1.6.L93.B0', description: hvcC }, 'supported'],
  ['vp09 profile 0', { codec: 'vp09.00.10.08' }, 'supported'],
  ['vp09 level 6.2', { codec: 'vp09.00.62.08' }, 'supported'],
  ['vp09 profile 1 4:4:4', { codec: 'vp09.01.10.08.03' }, 'supported'],
  ['vp09 profile 2 10-bit', { codec: 'vp09.02.10.10' }, 'supported'],
  ['vp09 profile 2 12-bit', { codec: 'vp09.02.10.12' }, 'supported'],
  ['vp09 profile 3 12-bit 4:2:2', { codec: 'vp09.03.10.12.02' }, 'supported'],
  ['vp09 with every optional field', { codec: 'vp09.02.10.10.01.09.16.09.01' }, 'supported'],
  ['av01 main 8-bit', { codec: 'av01.0.04M.08' }, 'supported'],
  ['av01 main 10-bit', { codec: 'av01.0.04M.10' }, 'supported'],
  ['av01 high profile', { codec: 'av01.1.04M.08' }, 'supported'],
  ['av01 professional 12-bit', { codec: 'av01.2.04M.12' }, 'supported'],
  ['av01 high tier at level 4.0', { codec: 'av01.0.08H.08' }, 'supported'],
  ['av01 maximum-parameters level 31', { codec: 'av01.0.31M.08' }, 'supported'],
  ['av01 monochrome', { codec: 'av01.0.04M.08.1' }, 'supported'],
  ['av01 with every optional field', { codec: 'av01.0.04M.10.0.110.09.16.09.0' }, 'supported'],
  ['vp8 with a description (not used by VP8)', { codec: 'vp8', description: new Uint8Array(16).fill(0xff) }, 'supported'],
  ['av01 with a description (not used by AV1)', { codec: 'av01.0.04M.08', description: new Uint8Array([0xff]) }, 'supported'],
  ['a large coded size within the limits', { codec: 'vp09.00.10.08', codedWidth: 16384, codedHeight: 8192 }, 'supported'],
  ['prefer-software', { codec: 'vp8', hardwareAcceleration: 'prefer-software' }, 'supported'],
  ['every member', {
    codec: 'vp09.00.10.08', codedWidth: 640, codedHeight: 480, displayAspectWidth: 16, displayAspectHeight: 9,
    colorSpace: { primaries: 'bt709' }, hardwareAcceleration: 'no-preference', optimizeForLatency: true, rotation: 90,
    flip: true,
  }, 'supported'],
];

const ENCODER_TABLE = [
  // Not valid: TypeError.
  ['missing codec', { width: 64, height: 64 }, 'TypeError'],
  ['empty codec', { codec: '', width: 64, height: 64 }, 'TypeError'],
  ['codec of ASCII whitespace', { codec: '  ', width: 64, height: 64 }, 'TypeError'],
  ['missing width', { codec: 'vp8', height: 64 }, 'TypeError'],
  ['missing height', { codec: 'vp8', width: 64 }, 'TypeError'],
  ['width 0', { codec: 'vp8', width: 0, height: 64 }, 'TypeError'],
  ['height 0', { codec: 'vp8', width: 64, height: 0 }, 'TypeError'],
  ['displayWidth 0', { codec: 'vp8', width: 64, height: 64, displayWidth: 0 }, 'TypeError'],
  ['displayHeight 0', { codec: 'vp8', width: 64, height: 64, displayHeight: 0 }, 'TypeError'],
  // Not in the spec's steps yet (w3c/webcodecs#816), but Chromium and
  // web-platform-tests treat it as invalid.
  ['bitrate 0', { codec: 'vp8', width: 64, height: 64, bitrate: 0 }, 'TypeError'],
  ['negative width ([EnforceRange])', { codec: 'vp8', width: -64, height: 64 }, 'TypeError'],
  ['width 2^32 ([EnforceRange])', { codec: 'vp8', width: 2 ** 32, height: 64 }, 'TypeError'],
  ['negative bitrate ([EnforceRange])', { codec: 'vp8', width: 64, height: 64, bitrate: -1 }, 'TypeError'],
  ['bitrate beyond 2^53 ([EnforceRange])', { codec: 'vp8', width: 64, height: 64, bitrate: 2 ** 64 }, 'TypeError'],
  ['framerate NaN (restricted double)', { codec: 'vp8', width: 64, height: 64, framerate: NaN }, 'TypeError'],
  ['framerate Infinity (restricted double)', { codec: 'vp8', width: 64, height: 64, framerate: Infinity }, 'TypeError'],
  ['unknown bitrateMode', { codec: 'vp8', width: 64, height: 64, bitrateMode: 'average' }, 'TypeError'],
  ['unknown latencyMode', { codec: 'vp8', width: 64, height: 64, latencyMode: 'fast' }, 'TypeError'],
  ['unknown alpha option', { codec: 'vp8', width: 64, height: 64, alpha: 'premultiply' }, 'TypeError'],
  ['hardwareAcceleration "allow" (not in the enum)', { codec: 'vp8', width: 64, height: 64, hardwareAcceleration: 'allow' }, 'TypeError'],
  ['unknown avc.format', { codec: 'avc1.42001f', width: 64, height: 64, avc: { format: 'mp4' } }, 'TypeError'],
  ['unknown hevc.format', { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, hevc: { format: 'avc' } }, 'TypeError'],
  ['avc member that is not a dictionary', { codec: 'avc1.42001f', width: 64, height: 64, avc: 'annexb' }, 'TypeError'],

  // Valid but unsupported.
  ['unrecognised codec', { codec: 'bogus', width: 64, height: 64 }, 'unsupported'],
  ['audio codec', { codec: 'opus', width: 64, height: 64 }, 'unsupported'],
  ['ambiguous vp9', { codec: 'vp9', width: 64, height: 64 }, 'unsupported'],
  ['MIME type instead of a codec string', { codec: 'video/webm; codecs="vp8"', width: 64, height: 64 }, 'unsupported'],
  ['wrong case', { codec: 'Vp09.00.10.08', width: 64, height: 64 }, 'unsupported'],
  ['avc1 without profile and level', { codec: 'avc1', width: 64, height: 64 }, 'unsupported'],
  ['future H.264 string', { codec: 'avc1.FF000b', width: 64, height: 64 }, 'unsupported'],
  ['future HEVC string', { codec: 'hvc1.C99.6FFFFFF.L93', width: 64, height: 64 }, 'unsupported'],
  ['future VP9 string', { codec: 'vp09.99.99.08', width: 64, height: 64 }, 'unsupported'],
  ['future AV1 string', { codec: 'av01.9.99M.08', width: 64, height: 64 }, 'unsupported'],
  ['av01 without bit depth', { codec: 'av01.0.04M', width: 64, height: 64 }, 'unsupported'],
  ['H.264 Extended profile (libx264 cannot produce it)', { codec: 'avc1.58001e', width: 64, height: 64 }, 'unsupported'],
  ['H.264 CAVLC 4:4:4 Intra profile', { codec: 'avc1.2c001e', width: 64, height: 64 }, 'unsupported'],
  ['HEVC range extensions profile', { codec: 'hev1.4.10.L93.B0', width: 64, height: 64 }, 'unsupported'],
  ['HEVC screen content profile', { codec: 'hvc1.9.0.L93', width: 64, height: 64 }, 'unsupported'],
  ['width too large', { codec: 'vp8', width: 1000000, height: 480 }, 'unsupported'],
  ['height too large', { codec: 'vp8', width: 640, height: 1000000 }, 'unsupported'],
  ['area beyond 16384x16384', { codec: 'vp09.00.10.08', width: 16385, height: 16384 }, 'unsupported'],
  ['prefer-hardware (no hardware encoder)', {
    codec: 'vp8', width: 20000, height: 20000, hardwareAcceleration: 'prefer-hardware', bitrate: 1, framerate: 240,
  }, 'unsupported'],
  ['prefer-hardware at a small size', { codec: 'vp8', width: 64, height: 64, hardwareAcceleration: 'prefer-hardware' }, 'unsupported'],
  ['odd width for H.264 4:2:0', { codec: 'avc1.42001E', width: 641, height: 480, bitrate: 1000000, framerate: 24 }, 'unsupported'],
  ['H.264 level 1.0 for 1080p', { codec: 'avc1.42000a', width: 1920, height: 1080 }, 'unsupported'],
  ['HEVC level 1 for 1080p', { codec: 'hvc1.1.6.L30.B0', width: 1920, height: 1080 }, 'unsupported'],
  ['HEVC level 3.1 for 1080p in quantizer mode', { codec: 'hvc1.1.6.L93.B0', width: 1920, height: 1080, bitrateMode: 'quantizer' }, 'unsupported'],
  ['unknown scalabilityMode', { codec: 'vp8', width: 64, height: 64, scalabilityMode: 'ABC' }, 'unsupported'],
  ['spatial scalability', { codec: 'vp09.00.10.08', width: 64, height: 64, scalabilityMode: 'L2T1' }, 'unsupported'],
  ['three temporal layers for HEVC', { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, scalabilityMode: 'L1T3' }, 'unsupported'],
  // x264's layers are B-frames nothing references; Baseline has none.
  ['temporal layers for H.264 Baseline', { codec: 'avc1.42001E', width: 64, height: 64, scalabilityMode: 'L1T2', latencyMode: 'quality' }, 'unsupported'],
  ['temporal layers for H.264 Constrained Baseline', { codec: 'avc1.42E01E', width: 64, height: 64, scalabilityMode: 'L1T3', latencyMode: 'quality' }, 'unsupported'],
  ['temporal layers in realtime H.264', { codec: 'avc1.64001E', width: 64, height: 64, scalabilityMode: 'L1T2', latencyMode: 'realtime' }, 'unsupported'],
  ['alpha for H.264', { codec: 'avc1.42001f', width: 64, height: 64, alpha: 'keep' }, 'unsupported'],
  ['negative framerate', { codec: 'vp8', width: 64, height: 64, framerate: -30 }, 'unsupported'],
  ['framerate 0', { codec: 'vp8', width: 64, height: 64, framerate: 0 }, 'unsupported'],

  // Supported.
  ['H.264 Annex B with an unknown member', {
    codec: 'avc1.42001E', hardwareAcceleration: 'no-preference', width: 640, height: 480, bitrate: 5000000, framerate: 24,
    avc: { format: 'annexb' }, futureConfigFeature: 'foo',
  }, 'supported'],
  ['VP8 L1T2 with an avc member', {
    codec: 'vp8', hardwareAcceleration: 'no-preference', width: 800, height: 600, bitrate: 7000000, bitrateMode: 'variable',
    framerate: 60, scalabilityMode: 'L1T2', futureConfigFeature: 'foo', latencyMode: 'quality', avc: { format: 'annexb' },
  }, 'supported'],
  // vp09.00.10.08 names level 1.0, yet browsers accept it at any size;
  // code written for them uses it for everything. The output's codec string
  // names the level the stream has (video-encoder-options.test.mjs).
  ['VP9 constant realtime', {
    codec: 'vp09.00.10.08', hardwareAcceleration: 'no-preference', width: 1280, height: 720, bitrate: 7000000,
    bitrateMode: 'constant', framerate: 25, futureConfigFeature: 'foo', latencyMode: 'realtime', alpha: 'discard',
  }, 'supported'],
  ['avc3 Baseline', { codec: 'avc3.42001f', width: 64, height: 64 }, 'supported'],
  ['H.264 Main', { codec: 'avc1.4d001f', width: 64, height: 64 }, 'supported'],
  ['H.264 High', { codec: 'avc1.64001f', width: 64, height: 64 }, 'supported'],
  ['H.264 High 10', { codec: 'avc1.6e001f', width: 64, height: 64 }, 'supported'],
  ['H.264 High 4:4:4 Predictive', { codec: 'avc1.f4001f', width: 64, height: 64 }, 'supported'],
  ['HEVC Main', { codec: 'hvc1.1.6.L93.B0', width: 64, height: 64 }, 'supported'],
  ['HEVC Main Annex B', { codec: 'hev1.1.6.L93.B0', width: 64, height: 64, hevc: { format: 'annexb' } }, 'supported'],
  ['HEVC Main 10', { codec: 'hvc1.2.4.L93.B0', width: 64, height: 64 }, 'supported'],
  ['VP9 profile 1 4:4:4', { codec: 'vp09.01.10.08.03', width: 64, height: 64 }, 'supported'],
  ['VP9 profile 2 10-bit', { codec: 'vp09.02.10.10', width: 64, height: 64 }, 'supported'],
  ['AV1 8-bit', { codec: 'av01.0.04M.08', width: 64, height: 64 }, 'supported'],
  ['AV1 10-bit', { codec: 'av01.0.04M.10', width: 64, height: 64 }, 'supported'],
  ['VP8 with alpha', { codec: 'vp8', width: 64, height: 64, alpha: 'keep' }, 'supported'],
  ['VP9 with alpha', { codec: 'vp09.00.10.08', width: 64, height: 64, alpha: 'keep' }, 'supported'],
  ['displayWidth without displayHeight', { codec: 'vp8', width: 64, height: 64, displayWidth: 128 }, 'supported'],
  ['bitrate of 1 bit per second', { codec: 'vp8', width: 64, height: 64, bitrate: 1 }, 'supported'],
  ['tiny framerate', { codec: 'vp8', width: 64, height: 64, framerate: 0.001 }, 'supported'],
  ['unknown contentHint (must not be refused)', { codec: 'vp8', width: 64, height: 64, contentHint: 'holographic' }, 'supported'],
  ['quantizer mode H.264', { codec: 'avc1.64001f', width: 64, height: 64, bitrateMode: 'quantizer' }, 'supported'],
  ['quantizer mode AV1', { codec: 'av01.0.04M.08', width: 64, height: 64, bitrateMode: 'quantizer' }, 'supported'],
  ['prefer-software', { codec: 'avc1.42001f', width: 64, height: 64, hardwareAcceleration: 'prefer-software' }, 'supported'],
  ['width at the 16384 limit', { codec: 'avc1.640034', width: 16384, height: 16 }, 'supported'],
];

/** The error callback's first error, once it has been called. */
function firstError(errors) {
  return new Promise((resolve) => {
    const check = () => (errors.length ? resolve(errors[0]) : setImmediate(check));
    check();
  });
}

/** Checks the support answer's config: recognised members only, as converted. */
function checkClone(clone, config, keys) {
  for (const key of Object.keys(clone)) assert.ok(keys.has(key), `unrecognised member ${key} copied`);
  assert.equal(clone.codec, String(config.codec));
  assert.notEqual(clone, config);
  if (config.description !== undefined && config.description !== null) {
    assert.ok(clone.description, 'description copied');
    assert.notEqual(clone.description, config.description, 'not aliased');
    const bytes = ArrayBuffer.isView(config.description)
      ? new Uint8Array(config.description.buffer, config.description.byteOffset, config.description.byteLength)
      : new Uint8Array(config.description);
    assert.deepEqual(new Uint8Array(clone.description.buffer ?? clone.description), bytes.slice());
  }
}

async function checkRow(Codec, keys, config, expected) {
  const errors = [];
  const codec = new Codec({ output: (x) => x.close?.(), error: (e) => errors.push(e) });
  if (expected === 'TypeError') {
    await assert.rejects(Codec.isConfigSupported(config), TypeError);
    assert.throws(() => codec.configure(config), TypeError);
    assert.equal(codec.state, 'unconfigured', 'an invalid config changes nothing');
    codec.close();
    return;
  }
  const support = await Codec.isConfigSupported(config);
  assert.equal(support.supported, expected === 'supported', 'supported');
  checkClone(support.config, config, keys);
  codec.configure(config);
  assert.equal(codec.state, 'configured', 'configure() itself does not check support');
  const flush = codec.flush();
  if (expected === 'supported') {
    await flush;
    assert.deepEqual(errors, []);
    assert.equal(codec.state, 'configured');
    codec.close();
  } else {
    await assert.rejects(flush, isDom('NotSupportedError'));
    assert.equal((await firstError(errors)).name, 'NotSupportedError');
    assert.equal(errors.length, 1, 'error callback exactly once');
    assert.equal(codec.state, 'closed');
    assert.match(errors[0].message, /\S/, 'the error says why');
  }
}

describe('VideoDecoder.isConfigSupported and configure', () => {
  for (const [label, config, expected] of DECODER_TABLE) {
    test(`${expected}: ${label}`, () => checkRow(VideoDecoder, DECODER_KEYS, config, expected));
  }

  test('the answer carries a converted copy of the recognised members only', async () => {
    const description = avcC.slice();
    const config = {
      codec: 'avc1.42001f', codedWidth: '64', codedHeight: 64.7, description, colorSpace: { matrix: 'bt709', extra: 1 },
      displayAspectWidth: 4, displayAspectHeight: 3, rotation: 450, flip: 1, futureFeature: true,
    };
    const { supported, config: clone } = await VideoDecoder.isConfigSupported(config);
    assert.equal(supported, true);
    const { description: copied, ...rest } = clone;
    assert.deepEqual(rest, {
      codec: 'avc1.42001f', codedWidth: 64, codedHeight: 64, displayAspectWidth: 4, displayAspectHeight: 3,
      colorSpace: { primaries: null, transfer: null, matrix: 'bt709', fullRange: null },
      hardwareAcceleration: 'no-preference', rotation: 450, flip: true,
    });
    description[0] = 99;
    assert.equal(copied[0], 1, 'later changes to the caller\'s description do not reach the copy');
  });

  test('an oversized description is named in the error', async () => {
    const errors = [];
    const dec = new VideoDecoder({ output() {}, error: (e) => errors.push(e) });
    dec.configure({ codec: 'avc1.42001f', description: padded(avcC, 1 << 20) });
    await assert.rejects(dec.flush(), isDom('NotSupportedError'));
    assert.match(errors[0].message, /description is \d+ bytes/);
  });
});

describe('VideoEncoder.isConfigSupported and configure', () => {
  for (const [label, config, expected] of ENCODER_TABLE) {
    test(`${expected}: ${label}`, () => checkRow(VideoEncoder, ENCODER_KEYS, config, expected));
  }

  test('the answer carries a converted copy; codec-specific members stay with their codec', async () => {
    const vp8 = await VideoEncoder.isConfigSupported({
      codec: 'vp8', width: '800', height: 600.9, bitrate: 7000000, framerate: 60, scalabilityMode: 'L1T2',
      avc: { format: 'annexb' }, hevc: { format: 'annexb' }, futureConfigFeature: 'foo',
    });
    assert.deepEqual(vp8.config, {
      codec: 'vp8', width: 800, height: 600, alpha: 'discard', bitrate: 7000000, bitrateMode: 'variable', framerate: 60,
      hardwareAcceleration: 'no-preference', latencyMode: 'quality', scalabilityMode: 'L1T2',
    });
    const avc = await VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 640, height: 480, avc: { format: 'annexb', x: 1 } });
    assert.deepEqual(avc.config.avc, { format: 'annexb' });
    const avcDefault = await VideoEncoder.isConfigSupported({ codec: 'avc1.42001E', width: 640, height: 480, avc: {} });
    assert.deepEqual(avcDefault.config.avc, { format: 'avc' }, 'the nested dictionary gets its default');
    const hevc = await VideoEncoder.isConfigSupported({ codec: 'hvc1.1.6.L93.B0', width: 64, height: 64, hevc: {}, avc: {} });
    assert.deepEqual(hevc.config.hevc, { format: 'hevc' });
    assert.equal('avc' in hevc.config, false);
  });

  test('a size beyond the limits says what the limit is', async () => {
    const errors = [];
    const enc = new VideoEncoder({ output() {}, error: (e) => errors.push(e) });
    enc.configure({ codec: 'vp8', width: 1000000, height: 480 });
    await assert.rejects(enc.flush(), isDom('NotSupportedError'));
    assert.match(errors[0].message, /1000000x480.*at most 32768 per side/);
  });
});
