// An adopter's app, as the README tells one to write it: no runtimeBaseUrl, the model by name.
import { Edgewise } from '@edgewise/sdk';

const status = document.getElementById('status');
const result = document.getElementById('result');
const labels = ['setosa', 'versicolor', 'virginica'];

try {
  // The repo's models/ are served next to the app, at /models/.
  // Default backends: on a machine whose only WebGPU adapter is a software one, that means WASM.
  const edgewise = await Edgewise.create({
    manifestUrl: '/models/manifest.json',
    timeouts: { workerStartMs: 5000 },
  });
  // For the test's console: what an app that never installed a TFLite runtime gets when it asks.
  window.edgewise = edgewise;
  const model = await edgewise.load('iris');
  const { probabilities } = await model.predict({
    input: { data: new Float32Array([5.1, 3.5, 1.4, 0.2]), dims: [1, 4] },
  });
  const scores = Array.from(probabilities.data);
  const best = scores.indexOf(Math.max(...scores));
  result.textContent = `${labels[best] ?? best} ${scores[best].toFixed(3)}`;
  status.textContent = `ran on ${model.describe().backend}`;
  status.dataset.reason = model.describe().backendReason;
} catch (error) {
  status.textContent = `failed: ${error.code ?? ''} ${error.message}`;
  status.dataset.failedAfterMs = String(Math.round(performance.now()));
}
