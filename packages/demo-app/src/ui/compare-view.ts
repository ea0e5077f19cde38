import { h } from '../app/dom.js';
import { formatMs } from '../app/format.js';
import type { Side, SideResult } from '../app/model-pair.js';
import { ProbabilityBars } from './probability-bars.js';

/** fp32 and int8 side by side: each with its bars, its median latency and the backend it ran on. */
export class CompareView {
  readonly element: HTMLDivElement;
  readonly #columns = new Map<
    string,
    { bars: ProbabilityBars; latency: HTMLElement; backend: HTMLElement }
  >();

  constructor(
    readonly idPrefix: string,
    labels: readonly string[],
    sideLabels: readonly string[] = ['fp32', 'int8'],
  ) {
    this.element = h('div', { class: 'compare' });
    for (const name of sideLabels) {
      const bars = new ProbabilityBars(labels, `${name} class probabilities`);
      const latency = h('span', { class: 'latency', id: `${idPrefix}-${name}-latency`, text: '–' });
      const backend = h('span', { class: 'muted', text: 'loading…' });
      bars.element.id = `${idPrefix}-${name}-bars`;
      this.element.append(
        h(
          'section',
          { class: 'side', 'aria-label': `${name} model` },
          h('h4', { text: name }),
          bars.element,
          h('p', { class: 'side-meta' }, 'median latency ', latency, h('br'), backend),
        ),
      );
      this.#columns.set(name, { bars, latency, backend });
    }
  }

  ready(sides: readonly Side[]): void {
    for (const side of sides) {
      const column = this.#columns.get(side.label);
      if (!column) continue;
      const d = side.description;
      column.backend.textContent = `${d.quantization} · ${d.backend}${d.threads > 1 ? ` ×${d.threads}` : ''}`;
    }
  }

  show(results: readonly SideResult[]): void {
    for (const { side, probabilities } of results) {
      const column = this.#columns.get(side.label);
      if (!column) continue;
      column.bars.update(probabilities);
      column.latency.textContent = `${formatMs(side.latency.median)} (last ${side.latency.count})`;
      column.latency.dataset.ms = String(side.latency.median ?? '');
    }
  }

  clear(): void {
    for (const column of this.#columns.values()) column.bars.update(undefined);
  }
}
