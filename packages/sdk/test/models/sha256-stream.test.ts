import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256Stream } from '../../src/models/sha256-stream.js';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('Sha256Stream', () => {
  it('matches node:crypto for every padding edge and any way of cutting the input', () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 3 * 4096 + 7]) {
      const bytes = new Uint8Array(randomBytes(n));
      const whole = new Sha256Stream().update(bytes).hex();
      const pieces = new Sha256Stream();
      for (let at = 0, step = 1; at < n; at += step, step = (step * 7) % 97 || 1) {
        pieces.update(bytes.subarray(at, at + step));
      }
      expect([n, whole]).toEqual([n, node(bytes)]);
      expect([n, pieces.hex()]).toEqual([n, node(bytes)]);
    }
  });

  it('known answers: the empty string and "abc"', () => {
    expect(new Sha256Stream().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new Sha256Stream().update(new TextEncoder().encode('abc')).hex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('saves its state between whole blocks, as plain JSON, and goes on from it in another instance', () => {
    const bytes = new Uint8Array(randomBytes(10 * 64 + 13));
    const first = new Sha256Stream().update(bytes.subarray(0, 6 * 64));
    const saved = JSON.parse(JSON.stringify(first.save()));
    expect(saved.length).toBe(6 * 64);
    const resumed = Sha256Stream.restore(saved).update(bytes.subarray(6 * 64));
    expect(resumed.hex()).toBe(node(bytes));
    // hex() does not disturb the running state.
    expect(first.hex()).toBe(node(bytes.subarray(0, 6 * 64)));
    expect(first.update(bytes.subarray(6 * 64)).hex()).toBe(node(bytes));
  });

  it('refuses to save in the middle of a block, and a malformed state', () => {
    expect(() => new Sha256Stream().update(new Uint8Array(10)).save()).toThrow(/64-byte blocks/);
    expect(() => Sha256Stream.restore({ h: [1, 2, 3], length: 64 })).toThrow(RangeError);
    expect(() => Sha256Stream.restore({ h: [0, 0, 0, 0, 0, 0, 0, 0], length: 10 })).toThrow(RangeError);
  });
});
