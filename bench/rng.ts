// Deterministic randomness for the scale generator.
//
// Every row family draws from its own stream, and every member / order / event from its own
// sub-stream (seed, stream, index), so any pass can regenerate exactly the same values for
// item i without keeping them in memory, and the output does not depend on the order in which
// the passes run. xoshiro128** has a 128-bit state: a 32-bit generator (mulberry32, as in the
// demo seed) can only produce 2^32 distinct UUIDs, which at ~15 M ids collides thousands of
// times; here the index goes into the state through a bijection, so sub-streams never share
// a state and 122 random UUID bits are as good as gen_random_uuid().

// murmur3's finaliser: a bijection on 32-bit integers with good avalanche.
const fmix32 = (x: number): number => {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

// Streams: one per kind of thing generated, so adding draws to one never shifts another.
export type Stream =
  | 'stores'
  | 'staff'
  | 'member'
  | 'member-tags'
  | 'consents'
  | 'orders'
  | 'order'
  | 'interactions'
  | 'interaction'
  | 'messaging';

const STREAM_IDS: Record<Stream, number> = {
  stores: 1,
  staff: 2,
  member: 3,
  'member-tags': 4,
  consents: 5,
  orders: 6,
  order: 7,
  interactions: 8,
  interaction: 9,
  messaging: 10,
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private spareNormal: number | null = null;

  constructor(
    private readonly seed: number,
    stream: Stream,
    index = 0,
  ) {
    this.reseed(stream, index);
  }

  // Positions the generator at sub-stream (stream, index) of this seed. Reusing one Rng and
  // reseeding it per item keeps 10 M orders from allocating 10 M objects.
  reseed(stream: Stream, index: number): this {
    const s = STREAM_IDS[stream];
    this.a = fmix32(index >>> 0);
    this.b = fmix32((this.seed ^ 0x9e3779b9) >>> 0);
    this.c = fmix32((s * 0x632be5ab + Math.floor(index / 4294967296)) >>> 0);
    this.d = fmix32((this.seed + Math.imul(s, 0x85ebca6b) + 1) >>> 0);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
    this.spareNormal = null;
    for (let i = 0; i < 6; i++) this.u32();
    return this;
  }

  // xoshiro128** (Blackman & Vigna).
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  // Uniform in [0, 1).
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  // Index into a cumulative weight table (see cumulative()).
  weighted(cdf: Float64Array): number {
    const total = cdf[cdf.length - 1] ?? 1;
    const x = this.next() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  // Gamma(shape, 1) by Marsaglia & Tsang; shape < 1 via the usual power boost.
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * this.next() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  // Poisson(lambda): Knuth for small means, a rounded normal beyond (exact enough for counts).
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  // A random (version 4) UUID from 122 generated bits.
  uuid(): string {
    const w0 = this.u32();
    const w1 = ((this.u32() & 0xffff0fff) | 0x00004000) >>> 0;
    const w2 = ((this.u32() & 0x3fffffff) | 0x80000000) >>> 0;
    const w3 = this.u32();
    return (
      hex32(w0) +
      '-' +
      HEX[w1 >>> 24] +
      HEX[(w1 >>> 16) & 255] +
      '-' +
      HEX[(w1 >>> 8) & 255] +
      HEX[w1 & 255] +
      '-' +
      HEX[w2 >>> 24] +
      HEX[(w2 >>> 16) & 255] +
      '-' +
      HEX[(w2 >>> 8) & 255] +
      HEX[w2 & 255] +
      hex32(w3)
    );
  }

  // A WeChat-openid-shaped token: 'o' + 27 base64url characters (28 in all, like real ones).
  openid(): string {
    let s = 'o';
    for (let i = 0; i < 27; i++) s += B64URL[this.u32() & 63];
    return s;
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
const hex32 = (w: number): string => (HEX[w >>> 24] ?? '') + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];

// Cumulative weights for Rng.weighted().
export const cumulative = (weights: readonly number[]): Float64Array => {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
};

// Zipf-like weights 1/(rank+1)^s: a few big, a long tail of small.
export const zipfWeights = (n: number, s: number): number[] => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
