/**
 * Orders version strings the way people read them: numeric parts as numbers, so 1.10.0 > 1.9.0, and a
 * suffixed version (1.0.0-int8) after its base. Used to find "the previous version" for a rollback.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+]/);
  const pb = b.split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      // A number sorts before a word, so 1.0.0-2 < 1.0.0-rc.
      if (!Number.isNaN(nx)) return -1;
      if (!Number.isNaN(ny)) return 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
