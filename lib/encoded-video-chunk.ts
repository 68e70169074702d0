import { EncodedChunk, type EncodedChunkInit } from './encoded-chunk';
import { defineInterface } from './webidl';

export type EncodedVideoChunkType = EncodedChunkInit['type'];
export type EncodedVideoChunkInit = EncodedChunkInit;

export class EncodedVideoChunk extends EncodedChunk {
  constructor(init: EncodedVideoChunkInit) {
    super(init, 'EncodedVideoChunkInit');
  }
}

defineInterface(EncodedVideoChunk, 'EncodedVideoChunk', ['type', 'timestamp', 'duration', 'byteLength', 'copyTo']);
