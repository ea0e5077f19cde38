import { h } from '../app/dom.js';

/**
 * Horizontal bars, one per class, as a list of <meter>-like rows. Rows are built once and only
 * their widths and numbers change, so updates do not move the layout.
 */
export class ProbabilityBars {
  readonly element: HTMLOListElement;
  readonly #rows: { row: HTMLLIElement; fill: HTMLSpanElement; value: HTMLSpanElement }[];

  constructor(labels: readonly string[], title: string) {
    this.element = h('ol', { class: 'bars', 'aria-label': title });
    this.#rows = labels.map((label) => {
      const fill = h('span', { class: 'bar-fill' });
      const value = h('span', { class: 'bar-value', text: '–' });
      const row = h(
        'li',
        { class: 'bar', 'data-label': label },
        h('span', { class: 'bar-label', text: label }),
        h('span', { class: 'bar-track' }, fill),
        value,
      );
      this.element.append(row);
      return { row, fill, value };
    });
  }

  /** Shows the probabilities; the top class is marked (data-top, and in bold for sighted users). */
  update(probabilities: ArrayLike<number> | undefined): void {
    let top = -1;
    if (probabilities) {
      for (let i = 0; i < probabilities.length; i++)
        if (top < 0 || (probabilities[i] as number) > (probabilities[top] as number)) top = i;
    }
    this.#rows.forEach((r, i) => {
      const p = probabilities?.[i];
      r.fill.style.transform = `scaleX(${p ?? 0})`;
      r.value.textContent = p === undefined ? '–' : `${(p * 100).toFixed(1)}%`;
      r.row.toggleAttribute('data-top', i === top);
    });
    this.element.dataset.top = top >= 0 ? String(this.#rows[top]?.row.dataset.label) : '';
  }
}
