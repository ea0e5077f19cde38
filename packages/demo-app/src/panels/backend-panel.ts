import type { Edgewise } from '@edgewise/sdk';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';

function row(name: string, available: boolean, reason: string): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-feature': name, 'data-available': String(available) },
    h('th', { scope: 'row', text: name }),
    h('td', { class: available ? 'yes' : 'no', text: available ? 'yes' : 'no' }),
    h('td', { text: reason }),
  );
}

/** "Backend": what this browser can run, and why not where it cannot. */
export async function mountBackends(ew: Edgewise): Promise<void> {
  const body = byId('backends-body');
  const status = byId('backends-status');
  try {
    const caps = await ew.capabilities();
    const isolated = globalThis.crossOriginIsolated === true;
    body.replaceChildren(
      row('WebGPU', caps.webgpu.available, caps.webgpu.adapter?.description || caps.webgpu.reason),
      row('WebAssembly', caps.wasm.available, caps.wasm.reason),
      row('WASM SIMD', caps.simd.available, caps.simd.reason),
      row('WASM threads', caps.threads.available, caps.threads.reason),
      row(
        'Cross-origin isolation',
        isolated,
        isolated
          ? 'COOP/COEP headers are in place, so SharedArrayBuffer (and threads) can be used'
          : 'the page was not served with COOP/COEP headers; WASM runs on one thread',
      ),
      row(
        'Offline (service worker)',
        'serviceWorker' in navigator,
        'serviceWorker' in navigator
          ? 'the app shell and runtime are kept for offline use after the first visit'
          : 'this browser has no service workers; the app needs the network',
      ),
    );
    say(status, `${caps.threads.hardwareConcurrency} logical cores reported.`);
  } catch (error) {
    say(status, humanMessage(error, 'detect what this browser supports'), 'error');
  }
}
