// AudioEncoder: the spec's interface over a native encoder running on its
// own worker thread (src/binding/audio_encoder.cc, src/core/audio_encoder.cc).
import { AudioData, audioDataRef } from './audio-data';
import type { AudioDecoderConfig } from './audio-decoder';
import { CodecBase, decoderConfigUpdate, invokeCallback, readCodecInit } from './codec-base';
import {
  audioCodecName,
  parseAacEncoderConfig,
  parseAudioCodec,
  parseFlacEncoderConfig,
  parseOpusEncoderConfig,
  type AacEncoderConfig,
  type FlacEncoderConfig,
  type OpusEncoderConfig,
} from './codecs/index';
import { EncodedAudioChunk } from './encoded-audio-chunk';
import { nativeChunkInit } from './encoded-chunk';
import { domError } from './errors';
import { native } from './native';
import { enforceU32, enforceU64, invalid, missing, readCodecString, toDictionary, toEnum } from './validate';
import { defineInterface } from './webidl';

export type BitrateMode = 'constant' | 'variable';
const BITRATE_MODES = ['constant', 'variable'] as const;

// Bitrates beyond a signed 32-bit integer are invalid (as in Chromium); no
// audio codec comes near.
const MAX_BITRATE = 2 ** 31 - 1;

export interface AudioEncoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  bitrate?: number;
  bitrateMode?: BitrateMode;
  aac?: AacEncoderConfig;
  flac?: FlacEncoderConfig;
  opus?: OpusEncoderConfig;
}

export interface EncodedAudioChunkMetadata {
  decoderConfig?: AudioDecoderConfig;
}

export interface AudioEncoderInit {
  output: (chunk: EncodedAudioChunk, metadata?: EncodedAudioChunkMetadata) => void;
  error: (error: DOMException) => void;
}

export interface AudioEncoderSupport {
  supported: boolean;
  config: AudioEncoderConfig;
}

/** The flat config src/binding/audio_encoder.cc reads. */
interface NativeEncoderConfig {
  codec: string;
  sampleRate: number;
  numberOfChannels: number;
  bitrate?: number;
  constantBitrate: boolean;
  aacObjectType: number;
  aacMpeg2: boolean;
  adts: boolean;
  opusApplication: string;
  opusFrameDuration: number;
  opusComplexity: number;
  opusPacketLoss: number;
  opusFec: boolean;
  opusDtx: boolean;
  flacBlockSize: number;
  flacCompressLevel: number;
}

interface ParsedEncoderConfig {
  clone: AudioEncoderConfig;
  native: NativeEncoderConfig | null;
  unsupported: string;
}

/** Converts and validates (TypeError) an AudioEncoderConfig; decides support. */
function parseConfig(config: unknown): ParsedEncoderConfig {
  const F = 'AudioEncoderConfig';
  if (config === null || typeof config !== 'object') throw invalid(F, 'a dictionary', config);
  const d = toDictionary<AudioEncoderConfig>(config, F);
  // WebIDL converts members in lexicographic order (the registrations'
  // partial dictionaries included).
  const aac = d.aac === undefined ? undefined : parseAacEncoderConfig(d.aac, `${F}.aac`);
  const bitrate = d.bitrate === undefined ? undefined : enforceU64(d.bitrate, `${F}.bitrate`);
  const bitrateMode = d.bitrateMode === undefined ? 'variable' : toEnum(d.bitrateMode, BITRATE_MODES, `${F}.bitrateMode`);
  const codec = readCodecString(d.codec, `${F}.codec`);
  const flac = d.flac === undefined ? undefined : parseFlacEncoderConfig(d.flac, `${F}.flac`);
  if (d.numberOfChannels === undefined) throw missing(`${F}.numberOfChannels`, 'a positive integer');
  const numberOfChannels = enforceU32(d.numberOfChannels, `${F}.numberOfChannels`);
  const opus = d.opus === undefined ? undefined : parseOpusEncoderConfig(d.opus, `${F}.opus`);
  if (d.sampleRate === undefined) throw missing(`${F}.sampleRate`, 'a positive integer');
  const sampleRate = enforceU32(d.sampleRate, `${F}.sampleRate`);

  // "valid AudioEncoderConfig"
  if (sampleRate === 0) throw invalid(`${F}.sampleRate`, 'a positive integer', 0);
  if (numberOfChannels === 0) throw invalid(`${F}.numberOfChannels`, 'a positive integer', 0);
  // As for VideoEncoderConfig: Chromium and web-platform-tests reject a zero
  // bitrate as invalid (w3c/webcodecs#860).
  if (bitrate === 0) throw invalid(`${F}.bitrate`, 'a positive number of bits per second', bitrate);
  if (bitrate !== undefined && bitrate > MAX_BITRATE) {
    throw invalid(`${F}.bitrate`, `at most ${MAX_BITRATE} bits per second`, bitrate);
  }

  const clone: AudioEncoderConfig = { codec, sampleRate, numberOfChannels };
  if (aac) clone.aac = aac;
  if (bitrate !== undefined) clone.bitrate = bitrate;
  clone.bitrateMode = bitrateMode;
  if (flac) clone.flac = flac;
  if (opus) clone.opus = opus;

  const parsed = parseAudioCodec(codec);
  let unsupported = '';
  if (!parsed) unsupported = `Unsupported or invalid audio codec string "${codec}".`;
  else if (parsed.codec === 'aac' && parsed.objectType !== 2) {
    unsupported =
      `${codec} (HE-AAC) cannot be encoded: FFmpeg's AAC encoder makes AAC-LC only and this build has no ` +
      'libfdk_aac. Such streams decode.';
  }
  const opusOptions = opus ?? parseOpusEncoderConfig(undefined, `${F}.opus`);
  const flacOptions = flac ?? parseFlacEncoderConfig(undefined, `${F}.flac`);
  return {
    clone,
    unsupported,
    native:
      unsupported || !parsed
        ? null
        : {
            codec: audioCodecName(parsed),
            sampleRate,
            numberOfChannels,
            ...(bitrate !== undefined ? { bitrate } : {}),
            constantBitrate: bitrateMode === 'constant',
            aacObjectType: parsed.codec === 'aac' ? parsed.objectType : 2,
            aacMpeg2: parsed.codec === 'aac' && parsed.mpeg2,
            adts: aac?.format === 'adts',
            // opus.signal has no switch in FFmpeg 5.1's libopus wrapper: it
            // is kept in the config but not applied.
            opusApplication: opusOptions.application,
            opusFrameDuration: opusOptions.frameDuration,
            opusComplexity: opusOptions.complexity,
            opusPacketLoss: opusOptions.packetlossperc,
            opusFec: opusOptions.useinbandfec,
            opusDtx: opusOptions.usedtx,
            flacBlockSize: flacOptions.blockSize,
            flacCompressLevel: flacOptions.compressLevel,
          },
  };
}

/** An output's value when its stream config changed (src/binding/codec_binding.cc EncodedChunkToJs). */
interface EncodedAudioExtras {
  data: Uint8Array;
  config?: { description?: Uint8Array };
}

// AudioData in flight on the native side: enough to keep an encoder busy
// while JS takes a batch of short messages' outputs (src/core/codec_worker.h
// wakes JS with about half of them still queued), few enough that
// encodeQueueSize stays a useful backpressure signal.
const MAX_IN_FLIGHT = 16;

/**
 * One configure() call and what its outputs are described with. Outputs of
 * an earlier configuration still arriving after a reconfigure keep theirs.
 */
interface Configuration {
  parsed: ParsedEncoderConfig;
  streamDescription?: Uint8Array;
  // The last decoderConfig sent for this configuration: the first chunk of
  // every configuration carries one, as in Chromium.
  outputConfig: AudioDecoderConfig | null;
}

export class AudioEncoder extends CodecBase<Configuration> {
  readonly #output: (chunk: EncodedAudioChunk, metadata?: EncodedAudioChunkMetadata) => unknown;

  constructor(init: AudioEncoderInit) {
    const { output, error } = readCodecInit<AudioEncoderInit['output']>(init, 'AudioEncoderInit');
    super((onEvents) => new native.AudioEncoderNative(onEvents), error, MAX_IN_FLIGHT);
    this.#output = output;
  }

  get encodeQueueSize(): number {
    return this.queueSize;
  }

  configure(config: AudioEncoderConfig): void {
    const parsed = parseConfig(config);
    this.configureCodec(parsed.native, parsed.unsupported, { parsed, outputConfig: null });
  }

  encode(data: AudioData): void {
    if (!(data instanceof AudioData)) throw invalid('data', 'an AudioData', data);
    const ref = audioDataRef(data);
    if (!ref) throw new TypeError('encode() was given a closed AudioData.');
    if (this.state !== 'configured') {
      throw domError('InvalidStateError', `encode() called on an encoder that is ${this.state}.`);
    }
    // The spec's dataClone: our own reference, released once the worker has
    // taken its own (or the message is dropped by reset).
    ref.retain();
    this.enqueueWork([ref.handle, data.timestamp, data.sampleRate], () => ref.release());
  }

  flush(): Promise<void> {
    return this.flushCodec();
  }

  static async isConfigSupported(config: AudioEncoderConfig): Promise<AudioEncoderSupport> {
    const parsed = parseConfig(config);
    const supported = parsed.native !== null && (await native.AudioEncoderNative.probe(parsed.native));
    return { supported, config: parsed.clone };
  }

  // [key, timestamp, duration or NaN, value is EncodedAudioExtras]
  protected deliverOutput(value: unknown, n: Float64Array, at: number): void {
    const configuration = this.activeConfig;
    if (!configuration) return;
    const extras = n[at + 3] ? (value as EncodedAudioExtras) : null;
    if (extras?.config) configuration.streamDescription = extras.config.description;
    const chunk = new EncodedAudioChunk(nativeChunkInit(extras ? extras.data : (value as Uint8Array), n, at, 'key'));
    const metadata: EncodedAudioChunkMetadata = {};
    const decoderConfig = decoderConfigUpdate(configuration, !!extras?.config, (): AudioDecoderConfig => {
      const cfg = configuration.parsed.clone;
      const description = configuration.streamDescription;
      return {
        codec: cfg.codec,
        sampleRate: cfg.sampleRate,
        numberOfChannels: cfg.numberOfChannels,
        ...(description ? { description } : {}),
      };
    });
    if (decoderConfig) metadata.decoderConfig = decoderConfig;
    invokeCallback(this.#output, chunk, metadata);
  }
}

defineInterface(AudioEncoder, 'AudioEncoder', ['state', 'encodeQueueSize', 'ondequeue', 'configure', 'encode', 'flush', 'reset', 'close'], ['isConfigSupported']);
