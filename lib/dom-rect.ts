// DOMRectReadOnly as Geometry Interfaces defines it; Node has no global one.
// VideoFrame.codedRect/visibleRect return these.

import { defineInterface } from './webidl';

export interface DOMRectInit {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

export class DOMRectReadOnly {
  readonly #x: number;
  readonly #y: number;
  readonly #width: number;
  readonly #height: number;

  constructor(x = 0, y = 0, width = 0, height = 0) {
    this.#x = +x;
    this.#y = +y;
    this.#width = +width;
    this.#height = +height;
  }

  static fromRect(other: DOMRectInit = {}): DOMRectReadOnly {
    return new DOMRectReadOnly(other.x, other.y, other.width, other.height);
  }

  get x(): number {
    return this.#x;
  }
  get y(): number {
    return this.#y;
  }
  get width(): number {
    return this.#width;
  }
  get height(): number {
    return this.#height;
  }
  get top(): number {
    return Math.min(this.#y, this.#y + this.#height);
  }
  get right(): number {
    return Math.max(this.#x, this.#x + this.#width);
  }
  get bottom(): number {
    return Math.max(this.#y, this.#y + this.#height);
  }
  get left(): number {
    return Math.min(this.#x, this.#x + this.#width);
  }

  toJSON(): Required<DOMRectInit> & { top: number; right: number; bottom: number; left: number } {
    return {
      x: this.x,
      y: this.y,
      width: this.width,
      height: this.height,
      top: this.top,
      right: this.right,
      bottom: this.bottom,
      left: this.left,
    };
  }
}

defineInterface(DOMRectReadOnly, 'DOMRectReadOnly', ['x', 'y', 'width', 'height', 'top', 'right', 'bottom', 'left', 'toJSON'], ['fromRect']);
