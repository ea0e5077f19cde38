import type { Backend, Edgewise, Model, ModelManifest, Progress } from '@edgewise/sdk';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { exclusive } from '../app/exclusive.js';
import { formatBytes } from '../app/format.js';
import { artifactOf, fetchManifest, variantIds } from '../app/manifest.js';
import { CacheList } from '../ui/cache-list.js';

const PHASES: Record<Progress['phase'], string> = {
  download: 'Downloading',
  verify: 'Verifying (sha256)',
  compile: 'Compiling for the backend',
};

function option(value: string, text: string): HTMLOptionElement {
  return h('option', { value, text });
}

/** "Model": pick a model, version or channel and variant; load it and see what was chosen, and why. */
export async function mountModelPanel(ew: Edgewise): Promise<void> {
  const status = byId('model-status');
  const pickModel = byId<HTMLSelectElement>('model-name');
  const pickVersion = byId<HTMLSelectElement>('model-version');
  const pickVariant = byId<HTMLSelectElement>('model-variant');
  const pickBackend = byId<HTMLSelectElement>('model-backend');
  const loadButton = byId<HTMLButtonElement>('model-load');
  const progress = byId<HTMLProgressElement>('model-progress');
  const phase = byId('model-phase');
  const details = byId('model-details');
  const cache = new CacheList(ew, byId('cache'));

  let manifest: ModelManifest;
  try {
    manifest = await fetchManifest();
  } catch (error) {
    say(status, humanMessage(error, 'list the models'), 'error');
    await cache.refresh();
    return;
  }

  const fillVersions = () => {
    const entry = manifest.models[pickModel.value];
    pickVersion.replaceChildren(
      ...Object.entries(entry?.channels ?? {}).map(([channel, version]) =>
        option(`channel:${channel}`, `${channel} channel (${version})`),
      ),
      ...Object.keys(entry?.versions ?? {}).map((v) => option(`version:${v}`, `version ${v}`)),
    );
    fillVariants();
  };
  const chosenVersion = () => {
    const entry = manifest.models[pickModel.value];
    const [kind, value] = pickVersion.value.split(':') as [string, string];
    const version = kind === 'channel' ? entry?.channels[value] : value;
    return version ? entry?.versions[version] : undefined;
  };
  const fillVariants = () => {
    const info = chosenVersion();
    pickVariant.replaceChildren(
      option('', 'automatic (best for the backend)'),
      ...(info ? variantIds(info) : []).map((id) => {
        const a = info ? artifactOf(info, id) : undefined;
        return option(id, `${id === 'base' ? 'base file' : id} — ${a?.format}, ${a?.quantization}`);
      }),
    );
  };
  pickModel.replaceChildren(...Object.keys(manifest.models).map((name) => option(name, name)));
  pickModel.addEventListener('change', fillVersions);
  pickVersion.addEventListener('change', fillVariants);
  fillVersions();

  let current: Model | undefined;
  const load = async () => {
    loadButton.disabled = true;
    progress.value = 0;
    phase.textContent = 'Starting…';
    say(status, `Loading ${pickModel.value}…`);
    try {
      const previous = current;
      await exclusive(async () => previous?.dispose());
      current = undefined;
      const [kind, value] = pickVersion.value.split(':') as [string, string];
      const started = performance.now();
      current = await exclusive(() =>
        ew.load(pickModel.value, {
          ...(kind === 'channel' ? { channel: value } : { version: value }),
          ...(pickVariant.value ? { variant: pickVariant.value } : {}),
          ...(pickBackend.value ? { backends: [pickBackend.value as Backend] } : {}),
          onProgress: (p) => {
            progress.value = p.total > 0 ? p.loaded / p.total : 0;
            phase.textContent = `${PHASES[p.phase]} ${p.total > 1 ? `${formatBytes(p.loaded)} of ${formatBytes(p.total)}` : ''}`;
          },
        }),
      );
      const d = current.describe();
      const info = chosenVersion();
      const artifact = info ? artifactOf(info, d.variant ?? 'base') : undefined;
      details.replaceChildren(
        ...[
          ['Model', `${d.name} ${d.version}${d.variant ? ` (${d.variant})` : ''}`],
          ['Format', d.format],
          ['Quantization', d.quantization],
          ['Size', artifact ? formatBytes(artifact.bytes) : 'unknown'],
          ['Backend', `${d.backend} on ${d.runtime}${d.threads > 1 ? `, ${d.threads} threads` : ''}`],
          ['Why this backend', d.backendReason],
          ['Came from', d.source === 'cache' ? 'the IndexedDB cache' : d.source],
          ['Ready in', `${Math.round(performance.now() - started)} ms`],
        ].flatMap(([term, text]) => [h('dt', { text: term }), h('dd', { text })]),
      );
      details.dataset.backend = d.backend;
      phase.textContent = 'Ready';
      progress.value = 1;
      say(status, `Loaded ${d.name} ${d.version}.`);
    } catch (error) {
      phase.textContent = 'Failed';
      say(status, humanMessage(error, `load ${pickModel.value}`), 'error');
    } finally {
      loadButton.disabled = false;
      await cache.refresh();
    }
  };
  byId('model-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  await cache.refresh();
}
