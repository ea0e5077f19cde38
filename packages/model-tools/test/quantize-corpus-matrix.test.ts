// Models × modes over the real corpus: every model quantizes with auto; size, speed (onnxruntime-web
// WASM, Node, one thread) and error ratios are printed, never asserted for speed.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type AutoSummary, formatModeTable, quantizeAuto } from '../src/quantize/auto.js';
import { measureModel } from '../src/quantize/measure.js';
import { CORPUS, ctcDecode } from './corpus/corpus.js';

const RUNS = 3;
const tables: string[] = [];

describe('quantize --mode auto over the corpus (Silero VAD v5 + legacy, PaddleOCR det/rec/cls)', () => {
  const summaries = new Map<string, AutoSummary>();

  afterAll(() => {
    console.log(
      `\nmodels × modes (size, speed = quantized/fp32 median ms, relative L2 error, top-1):\n\n${tables.join('\n\n')}`,
    );
  });

  it.each(CORPUS.map((m) => [m.name, m] as const))('%s quantizes with auto', async (name, model) => {
    const bytes = new Uint8Array(readFileSync(model.path));
    const feeds = model.feeds();
    const summary = await quantizeAuto(bytes, {
      feeds,
      runs: RUNS,
      maxError: model.maxError ?? 0.1,
      ...(model.classifier ? { minTop1: 0.99 } : {}),
    });
    summaries.set(name, summary);
    tables.push(
      `${name} (${bytes.byteLength.toLocaleString('en')} bytes)\n${formatModeTable(summary.fp32Ms, summary.results, summary.chosen)}`,
    );
    expect(summary.chosen.summary.quantizedNodes.length).toBeGreaterThan(0);
    expect(summary.chosen.sizeRatio).toBeLessThan(1);
    if (model.classifier) expect(summary.chosen.error?.top1).toBeGreaterThanOrEqual(0.99);
    // Every mode that ran says what it achieved, or why not.
    for (const r of summary.results) expect(r.error !== undefined || r.problem !== undefined).toBe(true);
  });

  it('ocr-rec: the qdq-int8 model reads the same text as fp32 on ≥ 95% of the generated lines', async () => {
    const rec = CORPUS.find((m) => m.name === 'ocr-rec')!;
    const summary = summaries.get('ocr-rec');
    expect(summary, 'the auto run above').toBeDefined();
    const feeds = rec.feeds();
    const read = async (bytes: Uint8Array) =>
      (await measureModel(bytes, feeds, 1)).outputs.map((o) => ctcDecode(Object.values(o)[0]!));
    const reference = await read(new Uint8Array(readFileSync(rec.path)));
    const int8 = summary!.results.filter(
      (r) => r.mode.endsWith('int8') && r.summary.quantizedNodes.length > 0,
    );
    expect(int8.map((r) => r.mode)).toContain('qdq-int8');
    for (const r of int8) {
      const text = await read(r.summary.bytes);
      const same = text.filter((t, i) => t === reference[i]).length / text.length;
      tables.push(
        `ocr-rec ${r.mode}: ${Math.round(same * 100)}% of lines read the same (fp32: ${reference.join(' ')})`,
      );
      // Dynamic int8 (per-tensor activations quantized at run time) is printed, not held to it.
      if (r.mode === 'qdq-int8') expect(same, r.mode).toBeGreaterThanOrEqual(0.95);
    }
  });
});
