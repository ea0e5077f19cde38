/**
 * SHA-256 fed in pieces, whose state can be saved between pieces and restored in another page load.
 * WebCrypto only digests a whole buffer at once, which would mean holding a whole model in memory,
 * and gives no state to resume from after a reload; this one keeps 32 bytes of state per download.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/** What `save()` returns: plain data, storable in IndexedDB or JSON. */
export interface Sha256State {
  h: number[];
  /** Bytes hashed so far; a multiple of 64 (a saved state never holds a partial block). */
  length: number;
}

export class Sha256Stream {
  readonly #h = new Int32Array(INITIAL);
  readonly #w = new Int32Array(64);
  readonly #block = new Uint8Array(64);
  #buffered = 0;
  #length = 0;

  static restore(state: Sha256State): Sha256Stream {
    if (state.h.length !== 8 || state.length % 64 !== 0) {
      throw new RangeError('a SHA-256 state holds 8 words and a whole number of 64-byte blocks');
    }
    const stream = new Sha256Stream();
    stream.#h.set(state.h);
    stream.#length = state.length;
    return stream;
  }

  get length(): number {
    return this.#length + this.#buffered;
  }

  update(data: Uint8Array): this {
    let offset = 0;
    if (this.#buffered > 0) {
      const take = Math.min(64 - this.#buffered, data.length);
      this.#block.set(data.subarray(0, take), this.#buffered);
      this.#buffered += take;
      offset = take;
      if (this.#buffered < 64) return this;
      this.#compress(this.#block, 0);
      this.#length += 64;
      this.#buffered = 0;
    }
    const start = offset;
    const whole = offset + Math.floor((data.length - offset) / 64) * 64;
    for (; offset < whole; offset += 64) this.#compress(data, offset);
    this.#length += whole - start;
    const rest = data.length - offset;
    if (rest > 0) {
      this.#block.set(data.subarray(offset), 0);
      this.#buffered = rest;
    }
    return this;
  }

  /** The state between blocks; throws if bytes not filling a block are buffered. */
  save(): Sha256State {
    if (this.#buffered !== 0) {
      throw new RangeError(
        'save() needs a whole number of 64-byte blocks hashed; store chunks of 64·n bytes',
      );
    }
    return { h: [...this.#h], length: this.#length };
  }

  hex(): string {
    const bits = this.length * 8;
    const pad = new Uint8Array(((this.#buffered + 9 + 63) & ~63) - this.#buffered);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(pad.length - 4, bits >>> 0);
    const copy = this.#clone();
    copy.update(pad);
    let out = '';
    for (const word of copy.#h) out += (word >>> 0).toString(16).padStart(8, '0');
    return out;
  }

  #clone(): Sha256Stream {
    const copy = new Sha256Stream();
    copy.#h.set(this.#h);
    copy.#block.set(this.#block);
    copy.#buffered = this.#buffered;
    copy.#length = this.#length;
    return copy;
  }

  #compress(data: Uint8Array, at: number): void {
    const w = this.#w;
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4;
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!;
      const b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const h = this.#h;
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let k = h[7]!;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (k + s1 + ch + K[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) | 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
    h[5] = (h[5]! + f) | 0;
    h[6] = (h[6]! + g) | 0;
    h[7] = (h[7]! + k) | 0;
  }
}
