import { EncodedChunk, type EncodedChunkInit } from './encoded-chunk';
import { defineInterface } from './webidl';

export type EncodedAudioChunkType = EncodedChunkInit['type'];
export type EncodedAudioChunkInit = EncodedChunkInit;

export class EncodedAudioChunk extends EncodedChunk {
  constructor(init: EncodedAudioChunkInit) {
    super(init, 'EncodedAudioChunkInit');
  }
}

defineInterface(EncodedAudioChunk, 'EncodedAudioChunk', ['type', 'timestamp', 'duration', 'byteLength', 'copyTo']);
