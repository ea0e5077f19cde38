import { type BackendCapabilities, detectBackends } from '@edgewise/sdk';

function row(name: string, entry: { available: boolean; reason: string }): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const text of [name, entry.available ? 'yes' : 'no', entry.reason]) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  tr.dataset.backend = name;
  tr.dataset.available = String(entry.available);
  return tr;
}

async function render(): Promise<void> {
  const body = document.querySelector('#backends tbody');
  if (!body) return;
  const caps: BackendCapabilities = await detectBackends();
  body.replaceChildren(
    row('webgpu', caps.webgpu),
    row('wasm', caps.wasm),
    row('wasm-simd', caps.simd),
    row('wasm-threads', caps.threads),
  );
}

render().catch((error: unknown) => {
  const body = document.querySelector('#backends tbody');
  if (body) body.textContent = `Could not detect backends: ${String(error)}`;
});
