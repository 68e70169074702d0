// Every exception the API raises is built here, so names and types are the
// spec's: real DOMExceptions for DOM errors, real TypeError/RangeError for JS
// ones (web-platform-tests tell them apart).

export type DomErrorName =
  | 'InvalidStateError'
  | 'NotSupportedError'
  | 'EncodingError'
  | 'DataError'
  | 'DataCloneError'
  | 'AbortError'
  | 'QuotaExceededError'
  | 'OperationError'
  | 'SecurityError'
  | 'NotReadableError';

/** The error kinds the native layer reports (src/core/status.h ErrorKind names). */
export type ErrorKind = DomErrorName | 'TypeError' | 'RangeError';

export function domError(name: DomErrorName, message: string): DOMException {
  return new DOMException(message, name);
}

export function invalidState(message: string): DOMException {
  return new DOMException(message, 'InvalidStateError');
}

export function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}

export function dataCloneError(message: string): DOMException {
  return new DOMException(message, 'DataCloneError');
}

/** Turns a native {kind, message} report into the exception the spec names. */
export function errorFromKind(kind: ErrorKind | string, message: string): Error {
  switch (kind) {
    case 'TypeError':
      return new TypeError(message);
    case 'RangeError':
      return new RangeError(message);
    case 'InvalidStateError':
    case 'NotSupportedError':
    case 'EncodingError':
    case 'DataError':
    case 'DataCloneError':
    case 'AbortError':
    case 'QuotaExceededError':
    case 'OperationError':
    case 'SecurityError':
    case 'NotReadableError':
      return new DOMException(message, kind);
    default:
      return new DOMException(`${message} (unexpected error kind ${String(kind)})`, 'OperationError');
  }
}
