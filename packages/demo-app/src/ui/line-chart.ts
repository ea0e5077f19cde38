/** A small SVG line chart (no chart library: the whole demo stays a few tens of KB). */
const NS = 'http://www.w3.org/2000/svg';
const W = 480;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 34 };

export const PALETTE = ['#1f6feb', '#d9480f', '#2f9e44', '#ae3ec9', '#f08c00'];

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** A shaded interval around the line (a confidence sequence): [x, lower, upper]. */
  band?: [number, number, number][];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xMax: number;
  yMin: number;
  yMax: number;
  series: Series[];
  /** Format of y tick labels. */
  yFormat?: (y: number) => string;
  /** A horizontal reference line (e.g. 0 for a difference). */
  reference?: number;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function lineChart(spec: ChartSpec): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart' });
  const title = el('title', {});
  title.textContent = spec.title;
  svg.append(title);
  const x = (v: number) => PAD.left + (v / Math.max(1, spec.xMax)) * (W - PAD.left - PAD.right);
  const span = spec.yMax - spec.yMin || 1;
  const clampY = (v: number) => Math.min(spec.yMax, Math.max(spec.yMin, v));
  const y = (v: number) => PAD.top + (1 - (clampY(v) - spec.yMin) / span) * (H - PAD.top - PAD.bottom);
  const fmt = spec.yFormat ?? ((v: number) => v.toFixed(2));

  for (let i = 0; i <= 4; i++) {
    const v = spec.yMin + (span * i) / 4;
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }));
    const label = el('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' });
    label.textContent = fmt(v);
    svg.append(label);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (spec.xMax * i) / 4;
    const label = el('text', { x: x(v), y: H - PAD.bottom + 16, 'text-anchor': 'middle', class: 'tick' });
    label.textContent = String(Math.round(v));
    svg.append(label);
  }
  const xLabel = el('text', {
    x: (W + PAD.left) / 2,
    y: H - 4,
    'text-anchor': 'middle',
    class: 'axis-label',
  });
  xLabel.textContent = spec.xLabel;
  svg.append(xLabel);
  if (spec.reference !== undefined) {
    svg.append(
      el('line', {
        x1: PAD.left,
        x2: W - PAD.right,
        y1: y(spec.reference),
        y2: y(spec.reference),
        class: 'reference',
      }),
    );
  }

  for (const s of spec.series) {
    if (s.band && s.band.length > 1) {
      const upper = s.band.map(([bx, , hi]) => `${x(bx).toFixed(1)},${y(hi).toFixed(1)}`);
      const lower = s.band.map(([bx, lo]) => `${x(bx).toFixed(1)},${y(lo).toFixed(1)}`).reverse();
      svg.append(
        el('polygon', { points: [...upper, ...lower].join(' '), fill: s.color, 'fill-opacity': 0.15 }),
      );
    }
    if (s.points.length > 0) {
      const d = s.points
        .map(([px, py], i) => `${i ? 'L' : 'M'}${x(px).toFixed(1)} ${y(py).toFixed(1)}`)
        .join('');
      svg.append(el('path', { d, stroke: s.color, fill: 'none', 'stroke-width': 2, 'data-series': s.name }));
    }
  }
  const summary = spec.series
    .map((s) => {
      const last = s.points.at(-1);
      return last ? `${s.name} ${fmt(last[1])}` : `${s.name} no data`;
    })
    .join(', ');
  svg.setAttribute('aria-label', `${spec.title} (${spec.yLabel}); latest: ${summary}`);
  return svg;
}

/** A legend as HTML, so it wraps on narrow screens instead of overflowing the SVG. */
export function legend(series: readonly { name: string; color: string }[]): HTMLUListElement {
  const ul = document.createElement('ul');
  ul.className = 'legend';
  for (const s of series) {
    const li = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = s.color;
    li.append(swatch, s.name);
    ul.append(li);
  }
  return ul;
}
