import type { Edgewise } from '@edgewise/sdk';
import { byId, say } from '../app/dom.js';
import { humanMessage } from '../app/errors.js';
import { loadPair, predictAll, type Side } from '../app/model-pair.js';
import { DigitCanvas } from '../draw/digit-canvas.js';
import { toMnistInput } from '../draw/mnist-preprocess.js';
import { CompareView } from '../ui/compare-view.js';

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** "Try it: MNIST": draw a digit, see both models' class probabilities as you draw. */
export async function mountMnist(ew: Edgewise): Promise<void> {
  const root = byId('mnist');
  const status = byId('mnist-status');
  const canvas = byId<HTMLCanvasElement>('mnist-canvas');
  const view = new CompareView('mnist', LABELS);
  root.append(view.element);

  let sides: Side[] | undefined;
  let running = false;
  let again = false;
  // One prediction at a time; strokes that arrive meanwhile collapse into one more run.
  const predict = async (pad: DigitCanvas) => {
    if (!sides) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const input = toMnistInput(pad.pixels());
        if (!input) {
          view.clear();
          say(status, 'Draw a digit from 0 to 9 in the black square.');
          continue;
        }
        view.show(await predictAll(sides, input));
        say(status, 'Predicted on this device. Keep drawing, or clear and try another digit.');
      } while (again);
    } catch (error) {
      say(status, humanMessage(error, 'classify the drawing'), 'error');
    } finally {
      running = false;
      root.dataset.predictions = String(Number(root.dataset.predictions ?? 0) + 1);
    }
  };
  const pad = new DigitCanvas(canvas, (p) => void predict(p));
  const clear = byId<HTMLButtonElement>('mnist-clear');
  clear.addEventListener('click', () => {
    pad.clear();
    view.clear();
    say(status, 'Cleared. Draw a digit from 0 to 9.');
    canvas.focus();
  });

  say(status, 'Loading the MNIST models…');
  try {
    sides = await loadPair(ew, 'mnist');
    view.ready(sides);
    root.dataset.ready = 'true';
    root.dataset.backend = sides.map((s) => `${s.label}:${s.description.backend}`).join(' ');
    say(status, 'Ready. Draw a digit from 0 to 9 in the black square.');
    if (!pad.empty) await predict(pad);
  } catch (error) {
    say(status, humanMessage(error, 'load the MNIST models'), 'error');
  }
}
