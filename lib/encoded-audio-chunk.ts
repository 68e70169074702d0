import { EncodedChunk, type EncodedChunkInit } from './encoded-chunk';

export type EncodedAudioChunkType = EncodedChunkInit['type'];
export type EncodedAudioChunkInit = EncodedChunkInit;

export class EncodedAudioChunk extends EncodedChunk {
  constructor(init: EncodedAudioChunkInit) {
    super(init, 'EncodedAudioChunkInit');
  }

  get [Symbol.toStringTag](): string {
    return 'EncodedAudioChunk';
  }
}
