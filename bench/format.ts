// How figures are printed: one place, so the table, the notes and the README agree.
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
export const ms = (v: number) => `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`;
export const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a');
export const rate = (v: number) => `${Math.round(v).toLocaleString('en-US')}/s`;
