import type { Edgewise } from '@edgewise/sdk';
import { h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { formatBytes } from '../app/format.js';

/** Cached model versions (the SDK's IndexedDB cache), the storage they use, and a button to clear it. */
export class CacheList {
  readonly #body: HTMLTableSectionElement;
  readonly #total: HTMLElement;
  readonly #status: HTMLElement;

  constructor(
    private readonly ew: Edgewise,
    root: HTMLElement,
  ) {
    this.#body = h('tbody');
    this.#total = h('p', { id: 'cache-total' });
    this.#status = h('p', { class: 'status', 'aria-live': 'polite' });
    const clear = h('button', { type: 'button', id: 'cache-clear', text: 'Clear cached models' });
    clear.addEventListener('click', () => void this.#clear(clear));
    root.append(
      h(
        'table',
        { 'aria-label': 'Cached model files' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Model', 'File', 'Format', 'Size', 'Last used'].map((t) =>
              h('th', { scope: 'col', text: t }),
            ),
          ),
        ),
        this.#body,
      ),
      this.#total,
      clear,
      this.#status,
    );
  }

  async refresh(): Promise<void> {
    try {
      const [entries, bytes] = await Promise.all([this.ew.cache.list(), this.ew.cache.size()]);
      this.#body.replaceChildren(
        ...entries.map((e) =>
          h(
            'tr',
            {},
            h('td', { text: `${e.name} ${e.version}` }),
            h('td', { text: e.variantId }),
            h('td', { text: `${e.format}, ${e.quantization}` }),
            h('td', { text: formatBytes(e.bytes) }),
            h('td', { text: new Date(e.lastUsedAt).toLocaleTimeString() }),
          ),
        ),
      );
      if (entries.length === 0)
        this.#body.append(h('tr', {}, h('td', { colspan: 5, text: 'Nothing cached yet.' })));
      const quota = await navigator.storage?.estimate?.().catch(() => undefined);
      this.#total.textContent = `Models use ${formatBytes(bytes)}${
        quota?.usage !== undefined
          ? ` of the ${formatBytes(quota.usage)} this site stores in total (runtime files included)`
          : ''
      }.`;
    } catch (error) {
      say(this.#status, humanMessage(error, 'read the model cache'), 'error');
    }
  }

  async #clear(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    try {
      await this.ew.cache.clear();
      say(this.#status, 'Cached models removed. They will download again when next used.');
    } catch (error) {
      say(this.#status, humanMessage(error, 'clear the model cache'), 'error');
    } finally {
      button.disabled = false;
      await this.refresh();
    }
  }
}
