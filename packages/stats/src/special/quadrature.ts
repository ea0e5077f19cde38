// Adaptive Gauss–Legendre quadrature (20-point rule checked against the 10-point rule, bisecting
// where they disagree). Nodes come from Newton's method on Legendre polynomials, once per order.

const rules = new Map<number, { x: Float64Array; w: Float64Array }>();

function legendre(n: number): { x: Float64Array; w: Float64Array } {
  const cached = rules.get(n);
  if (cached) return cached;
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  const rule = { x, w };
  rules.set(n, rule);
  return rule;
}

function apply(f: (x: number) => number, a: number, b: number, n: number): number {
  const { x, w } = legendre(n);
  const half = 0.5 * (b - a);
  const mid = 0.5 * (a + b);
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i]! * f(mid + half * x[i]!);
  return s * half;
}

/**
 * ∫_a^b f(x) dx, globally adaptive: [a, b] starts as `pieces` equal parts (so narrow peaks are
 * seen), then the part with the largest error estimate is bisected until the summed estimate is
 * below `tol` (absolute) or `maxParts` parts exist. Integrable endpoint singularities are fine.
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  tol = 1e-12,
  pieces = 16,
  maxParts = 2000,
): number {
  const parts: Array<{ lo: number; hi: number; value: number; error: number }> = [];
  const evaluate = (lo: number, hi: number) => {
    const value = apply(f, lo, hi, 20);
    parts.push({ lo, hi, value, error: Math.abs(value - apply(f, lo, hi, 10)) });
  };
  const width = (b - a) / pieces;
  for (let i = 0; i < pieces; i++) evaluate(a + i * width, i === pieces - 1 ? b : a + (i + 1) * width);
  while (parts.length < maxParts) {
    let worst = 0;
    let total = 0;
    for (let i = 0; i < parts.length; i++) {
      total += parts[i]!.error;
      if (parts[i]!.error > parts[worst]!.error) worst = i;
    }
    if (total <= tol) break;
    const { lo, hi } = parts[worst]!;
    const mid = 0.5 * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    parts[worst] = parts[parts.length - 1]!;
    parts.pop();
    evaluate(lo, mid);
    evaluate(mid, hi);
  }
  let sum = 0;
  for (const p of parts) sum += p.value;
  return sum;
}
