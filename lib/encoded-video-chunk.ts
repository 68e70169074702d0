import { EncodedChunk, type EncodedChunkInit } from './encoded-chunk';

export type EncodedVideoChunkType = EncodedChunkInit['type'];
export type EncodedVideoChunkInit = EncodedChunkInit;

export class EncodedVideoChunk extends EncodedChunk {
  constructor(init: EncodedVideoChunkInit) {
    super(init, 'EncodedVideoChunkInit');
  }

  get [Symbol.toStringTag](): string {
    return 'EncodedVideoChunk';
  }
}
