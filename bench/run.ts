// `npm run bench`: what users of Edgewise care about, side by side in one run — inference against
// onnxruntime-web (direct and proxy worker) and TFLite runtimes, int8 vs fp32, start-up, assignment,
// bundle size and the collector under load. Prints one table with each goal beside its figure, writes
// bench/results/bench-<date>.json and bench/README.md.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assignArm } from '@edgewise/sdk';
import { launchChromium } from '../e2e/harness/chromium.js';
import { repoRoot, sdkDist } from '../e2e/harness/paths.js';
import { startStaticServer } from '../e2e/harness/static-server.js';
import { runAssignment } from './assignment.js';
import { openBenchPage } from './bench-page.js';
import { downloads, entrySize, largestModules, treeShakenGzip } from './bundle.js';
import { kb } from './format.js';
import type { Row } from './goals.js';
import { type CaseResult, type InferenceCase, runCase } from './inference.js';
import { detailLines, inferenceRows } from './inference-rows.js';
import { type LargeModelResults, largeModelRows, runLargeModel } from './large-model.js';
import { benchMounts, fileForPath } from './mounts.js';
import { OCR_MOUNT, ocrCases, ocrRows, runOcrCases } from './ocr.js';
import { writeReadme } from './readme.js';
import { closingNote, formatTable } from './report.js';
import { assignmentRows, bundleRows, precisionRows, serverRows, startupRows } from './rows.js';
import { runServerLoad } from './server.js';
import { runStartup, summarizeStartup } from './startup.js';
import { runStorageChunks, type StorageResults, storageRows } from './storage-chunks.js';

const began = Date.now();
const log = (message: string) => console.log(`[${((Date.now() - began) / 1000).toFixed(0)} s] ${message}`);

const MNIST = '/models/mnist/1.0.0/mnist';
const SILERO = '/models/vad/silero_vad_v5.onnx';
const WASM = { backend: 'wasm', rounds: 12, singles: 30, batchSize: 64, batches: 5 } as const;
// SwiftShader (software WebGPU on these machines) is 50–200× slower than WASM: fewer, smaller rounds.
const WEBGPU = { backend: 'webgpu', rounds: 4, singles: 6, batchSize: 16, batches: 3 } as const;
const WEBGPU_SILERO = { ...WEBGPU, rounds: 3, singles: 3, batchSize: 4, batches: 1 } as const;
const ONNX_WASM = ['edgewise', 'ort-direct', 'ort-proxy', 'echo', 'edgewise-intact'] as const;
const ONNX_GPU = ['edgewise', 'ort-direct'] as const;
const TFLITE = ['edgewise', 'litert-direct', 'tfjs-tflite', 'litert-worker', 'echo'] as const;

const cases: InferenceCase[] = [
  {
    id: 'MNIST fp32',
    modelUrl: `${MNIST}.fp32.onnx`,
    format: 'onnx',
    kind: 'mnist',
    ...WASM,
    contenders: [...ONNX_WASM],
  },
  {
    id: 'MNIST int8',
    modelUrl: `${MNIST}.int8.onnx`,
    format: 'onnx',
    kind: 'mnist',
    ...WASM,
    contenders: [...ONNX_WASM],
  },
  { id: 'Silero VAD', modelUrl: SILERO, format: 'onnx', kind: 'silero', ...WASM, contenders: [...ONNX_WASM] },
  {
    id: 'MNIST fp32',
    modelUrl: `${MNIST}.fp32.onnx`,
    format: 'onnx',
    kind: 'mnist',
    ...WEBGPU,
    contenders: [...ONNX_GPU],
  },
  {
    id: 'MNIST int8',
    modelUrl: `${MNIST}.int8.onnx`,
    format: 'onnx',
    kind: 'mnist',
    ...WEBGPU,
    contenders: [...ONNX_GPU],
  },
  {
    id: 'Silero VAD',
    modelUrl: SILERO,
    format: 'onnx',
    kind: 'silero',
    ...WEBGPU_SILERO,
    contenders: [...ONNX_GPU],
  },
  {
    id: 'MNIST fp32 TFLite',
    modelUrl: `${MNIST}.fp32.tflite`,
    format: 'tflite',
    kind: 'mnist',
    ...WASM,
    contenders: [...TFLITE],
  },
  {
    id: 'MNIST int8 TFLite',
    modelUrl: `${MNIST}.int8.tflite`,
    format: 'tflite',
    kind: 'mnist',
    ...WASM,
    contenders: [...TFLITE],
  },
];

// Bundle: no browser needed.
const entry = await entrySize(join(sdkDist, 'index.js'));
const modules = await largestModules(join(sdkDist, 'index.js'), 1000);
const shaken = {
  Edgewise: await treeShakenGzip(join(sdkDist, 'index.js'), ['Edgewise']),
  assignArm: await treeShakenGzip(join(sdkDist, 'index.js'), ['assignArm']),
};
log(`SDK entry: ${entry.files.length} file(s), ${kb(entry.minifiedGzipBytes)} minified+gzip`);

const browser = await launchChromium();
// PaddleOCR det/rec from the folder `npm start` serves (scripts/ocr-models.mjs builds it).
const ocr = ocrCases();
const server = await startStaticServer({
  mounts: { ...benchMounts, [OCR_MOUNT]: ocr.mountDir },
  isolated: true,
});
const results: CaseResult[] = [];
let ocrResults: CaseResult[] = [];
let startup: ReturnType<typeof summarizeStartup>;
let startupSamples: Awaited<ReturnType<typeof runStartup>>;
let pageDownloads: Awaited<ReturnType<typeof downloads>>;
let assignment: { node: number; chromium: number };
let storage: StorageResults;
let largeModel: LargeModelResults;
try {
  for (const c of cases) {
    const page = await openBenchPage(browser, server.url);
    results.push(await runCase(page, c));
    await page.close();
    log(`inference: ${c.id} on ${c.backend}`);
  }

  ocrResults = await runOcrCases(browser, server.url, ocr.cases);
  log(`inference: ${ocr.cases.map((c) => c.id).join(', ')} on wasm`);

  startupSamples = await runStartup(browser, server.url, 3, 2);
  startup = summarizeStartup(startupSamples);
  log('start-up');

  // What the smallest real page downloads before its first prediction, from the server's own log.
  const context = await browser.newContext();
  const page = await context.newPage();
  const from = server.requests.length;
  await page.goto(`${server.url}/bench/first-prediction.html`);
  await page.waitForFunction(
    () => (window as unknown as { firstPrediction?: unknown }).firstPrediction,
    null,
    {
      timeout: 60_000,
    },
  );
  pageDownloads = await downloads(
    server.requests.slice(from).filter((p) => p !== '/favicon.ico'),
    (p) => fileForPath(benchMounts, p),
  );
  await context.close();
  log('downloads before first prediction');

  const assignPage = await openBenchPage(browser, server.url);
  assignment = await runAssignment(assignPage, assignArm, 5, 100_000);
  await assignPage.close();
  log('assignment');

  // A 256 MiB file as chunks in IndexedDB and OPFS, in its own profile on disk (bench/storage-chunks.ts).
  storage = await runStorageChunks(browser, server.url);
  log('storage: IndexedDB vs OPFS chunks');

  // A 302 MB model generated by model-tools, cold and cached, with page and worker memory.
  largeModel = await runLargeModel();
  log('large model: 302 MB cold and cached');
} finally {
  await browser.close();
  await server.close();
}

log('server load (bench/server-load.ts)…');
const serverFigures = await runServerLoad(repoRoot);

// ---- rows and output -------------------------------------------------------------------------------
const fileSize = async (path: string) => (await stat(join(repoRoot, path))).size;
const sizes = {
  onnx: {
    fp32: await fileSize('models/mnist/1.0.0/mnist.fp32.onnx'),
    int8: await fileSize('models/mnist/1.0.0/mnist.int8.onnx'),
  },
  tflite: {
    fp32: await fileSize('models/mnist/1.0.0/mnist.fp32.tflite'),
    int8: await fileSize('models/mnist/1.0.0/mnist.int8.tflite'),
  },
};
const runtimeBytes = pageDownloads!
  .filter((d) => d.path.startsWith('/edgewise/'))
  .reduce((t, d) => t + d.bytes, 0);
const rows: Row[] = [
  ...results.flatMap(inferenceRows),
  ...precisionRows(results, sizes),
  ...ocrRows(ocrResults),
  ...startupRows(startup!, runtimeBytes),
  ...assignmentRows(assignment!),
  ...storageRows(storage!),
  ...largeModelRows(largeModel!),
  ...bundleRows(entry, shaken, modules, pageDownloads!),
  ...serverRows(serverFigures),
];
const details = [
  ...results.flatMap(detailLines),
  ...ocrResults.flatMap(detailLines),
  '\nDownloaded before the first prediction (bench/fixtures/first-prediction.html: create, load mnist, predict)',
  ...pageDownloads!.map(
    (d) => `  ${d.path.padEnd(48)}${kb(d.bytes).padStart(12)}${kb(d.gzipBytes).padStart(12)} gzip`,
  ),
];

const wallSeconds = (Date.now() - began) / 1000;
console.log(details.join('\n'));
console.log(formatTable(rows));
const note = closingNote(rows);
console.log(`\n${note}\n`);
const date = new Date().toISOString();
const out = join(repoRoot, 'bench/results');
await mkdir(out, { recursive: true });
const file = join(out, `bench-${date.slice(0, 10)}.json`);
const raw = {
  date,
  wallSeconds,
  rows,
  details,
  inference: results,
  startup: { summary: startup!, samples: startupSamples! },
  bundle: { entry, treeShaken: shaken, modules: modules.slice(0, 20), pageDownloads: pageDownloads! },
  assignment: assignment!,
  storage: storage!,
  largeModel: largeModel!,
  server: serverFigures,
};
await writeFile(file, `${JSON.stringify(raw, null, 2)}\n`);
await writeReadme(join(repoRoot, 'bench/README.md'), { date, rows, details, note, wallSeconds });
log(`wrote ${file} and bench/README.md`);
