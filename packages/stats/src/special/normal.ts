// biome-ignore-all lint/correctness/noPrecisionLoss: published coefficients keep the digits of their source, so they can be checked against it
// Standard normal distribution. CDF: W. J. Cody's rational Chebyshev approximations (Math. Comp.
// 1969), full double precision in both tails. Quantile: Wichura's AS 241 (PPND16), relative
// accuracy about 1e-16.

const SQRT_32 = Math.sqrt(32);
const INV_SQRT_2PI = 0.398942280401432677939946059934;

const A = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249,
  0.065682337918207449113,
];
const B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226,
  2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
  1.0765576773720192317e-8,
];
const D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
  18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466,
  2.9112874951168792e-5, 0.02307344176494017303,
];
const Q = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244,
  7.29751555083966205e-5,
];

/** exp(-x²/2) split so that x² is formed without rounding error (Cody's trick). */
function gaussTail(x: number, factor: number): number {
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * factor;
}

/** Returns [P(Z ≤ x), P(Z > x)], each accurate in its own tail. */
function normalBoth(x: number): [number, number] {
  if (Number.isNaN(x)) return [Number.NaN, Number.NaN];
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0;
    let den = 0;
    if (y > 1.1e-16) {
      const xsq = x * x;
      num = A[4]! * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + A[i]!) * xsq;
        den = (den + B[i]!) * xsq;
      }
    }
    const t = (x * (num + A[3]!)) / (den + B[3]!);
    return [0.5 + t, 0.5 - t];
  }
  let small: number;
  if (y <= SQRT_32) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    small = gaussTail(y, (num + C[7]!) / (den + D[7]!));
  } else if (y < 38.5) {
    const xsq = 1 / (x * x);
    let num = P[5]! * xsq;
    let den = xsq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]!) * xsq;
      den = (den + Q[i]!) * xsq;
    }
    const t = (xsq * (num + P[4]!)) / (den + Q[4]!);
    small = gaussTail(y, (INV_SQRT_2PI - t) / y);
  } else {
    small = 0;
  }
  return x > 0 ? [1 - small, small] : [small, 1 - small];
}

/** Standard normal density. */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Standard normal CDF, P(Z ≤ x).
 * @example normalCdf(1.959963984540054) // 0.975
 */
export function normalCdf(x: number): number {
  return normalBoth(x)[0];
}

/**
 * Standard normal survival function, P(Z > x), accurate far into the upper tail.
 * @example normalSf(8) // 6.22e-16
 */
export function normalSf(x: number): number {
  return normalBoth(x)[1];
}

const QA = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const QB = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const QC = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const QD = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const QE = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const QF = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

function horner(c: number[], x: number): number {
  let v = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/**
 * Standard normal quantile (inverse CDF): the z with P(Z ≤ z) = p.
 * `p` = 0 and 1 give -Infinity and Infinity.
 * @example normalQuantile(0.975) // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(QA, r)) / horner(QB, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v = horner(QC, r) / horner(QD, r);
  } else {
    r -= 5;
    v = horner(QE, r) / horner(QF, r);
  }
  return q < 0 ? -v : v;
}

/** Upper-tail quantile: the z with P(Z > z) = q, exact for tiny q where 1 - q would round. */
export function normalIsf(q: number): number {
  return -normalQuantile(q);
}
