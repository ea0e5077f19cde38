import { describe, expect, it } from 'vitest';
import { EdgewiseError, isEdgewiseError } from '../src/index.js';

describe('EdgewiseError', () => {
  it('carries a code, a message and details, and survives a JSON round trip across the worker boundary', () => {
    const cause = new Error('low level');
    const error = new EdgewiseError('INPUT_SHAPE', 'input "x": expected [1,4], got [1,3]', {
      cause,
      details: { expected: [1, 4] },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('EdgewiseError');
    expect(error.cause).toBe(cause);
    const back = EdgewiseError.fromJSON(JSON.parse(JSON.stringify(error.toJSON())));
    expect(isEdgewiseError(back)).toBe(true);
    expect(back.code).toBe('INPUT_SHAPE');
    expect(back.message).toBe(error.message);
    expect(back.details).toEqual({ expected: [1, 4] });
  });

  it('is not confused with a plain Error', () => {
    expect(isEdgewiseError(new Error('x'))).toBe(false);
  });
});
