import type { Edgewise } from '@edgewise/sdk';
import { byId, h, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { loadPair, predictAll, type Side } from '../app/model-pair.js';
import { CompareView } from '../ui/compare-view.js';

const LABELS = ['setosa', 'versicolor', 'virginica'];

/** The four measurements, in cm, over the range seen in the iris data set; starts at a versicolor. */
const FEATURES = [
  { id: 'sepal-length', label: 'Sepal length', min: 4.3, max: 7.9, value: 6.0 },
  { id: 'sepal-width', label: 'Sepal width', min: 2.0, max: 4.4, value: 2.9 },
  { id: 'petal-length', label: 'Petal length', min: 1.0, max: 6.9, value: 4.5 },
  { id: 'petal-width', label: 'Petal width', min: 0.1, max: 2.5, value: 1.4 },
];

/** "Try it: iris": four sliders; every change runs both models. */
export async function mountIris(ew: Edgewise): Promise<void> {
  const root = byId('iris');
  const status = byId('iris-status');
  const form = h('form', { class: 'sliders', 'aria-label': 'Iris flower measurements' });
  const inputs = FEATURES.map((f) => {
    const input = h('input', {
      type: 'range',
      id: `iris-${f.id}`,
      name: f.id,
      min: f.min,
      max: f.max,
      step: 0.1,
      value: f.value,
    });
    const output = h('output', { for: input.id, text: `${f.value.toFixed(1)} cm` });
    input.addEventListener('input', () => {
      output.textContent = `${Number(input.value).toFixed(1)} cm`;
    });
    form.append(h('label', { for: input.id, text: f.label }), input, output);
    return input;
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  const view = new CompareView('iris', LABELS);
  root.append(form, view.element);

  let sides: Side[] | undefined;
  let running = false;
  let again = false;
  const predict = async () => {
    if (!sides) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        view.show(
          await predictAll(
            sides,
            Float32Array.from(inputs, (i) => Number(i.value)),
          ),
        );
      } while (again);
      say(status, 'Predicted on this device. Move a slider to see the answer change.');
    } catch (error) {
      say(status, humanMessage(error, 'classify the flower'), 'error');
    } finally {
      running = false;
      root.dataset.predictions = String(Number(root.dataset.predictions ?? 0) + 1);
    }
  };
  form.addEventListener('input', () => void predict());

  say(status, 'Loading the iris models…');
  try {
    sides = await loadPair(ew, 'iris');
    view.ready(sides);
    root.dataset.ready = 'true';
    await predict();
  } catch (error) {
    say(status, humanMessage(error, 'load the iris models'), 'error');
  }
}
