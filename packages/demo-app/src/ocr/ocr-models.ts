import type { Edgewise, Model, ModelManifest, ModelVersion } from '@edgewise/sdk';
import { exclusive } from '../app/exclusive.js';
import { RollingMedian } from '../app/latency.js';

export const DET = 'ocr-det';
export const REC = 'ocr-rec';

/** One OCR side: a det and a rec model, and the median of their combined latency. */
export interface OcrSide {
  label: 'fp32' | 'int8';
  det: Model;
  rec: Model;
  latency: RollingMedian;
  /** What this side runs, for people: "det int8 + rec fp32". */
  runs: string;
}

export interface OcrSetup {
  sides: OcrSide[];
  labels: string[];
  /** Why a side has no int8 rec (or no int8 side at all); empty when both are int8. */
  note: string;
}

function stableVersion(manifest: ModelManifest, name: string): ModelVersion | undefined {
  const entry = manifest.models[name];
  const version = entry?.channels.stable ?? Object.keys(entry?.versions ?? {}).at(-1);
  return version ? entry?.versions[version] : undefined;
}

/**
 * The OCR models the manifest lists, loaded on WASM: fp32 det + rec, and an int8 side with every
 * model that has an int8 variant (the others stay fp32). Variants exist only where
 * `edgewise-models quantize` made one at build time (scripts/ocr-models.mjs), so this follows the
 * tool: a model it refused runs in fp32 on the int8 side, and the note says so.
 */
export async function loadOcr(ew: Edgewise, manifest: ModelManifest): Promise<OcrSetup | undefined> {
  const det = stableVersion(manifest, DET);
  const rec = stableVersion(manifest, REC);
  if (!det || !rec) return undefined;
  // The dictionary travels in the manifest as rec's labels, so it is cached and offline with it.
  const labels = rec.labels ?? [];
  const load = (name: string, variant: string) =>
    exclusive(() => ew.load(name, { variant, backends: ['wasm'] }));
  const recFp32 = await load(REC, 'base');
  const sides: OcrSide[] = [
    {
      label: 'fp32',
      det: await load(DET, 'base'),
      rec: recFp32,
      latency: new RollingMedian(20),
      runs: 'det fp32 + rec fp32',
    },
  ];
  const detInt8 = Boolean(det.variants?.int8);
  const recInt8 = Boolean(rec.variants?.int8);
  if (detInt8 || recInt8) {
    sides.push({
      label: 'int8',
      det: detInt8 ? await load(DET, 'int8') : sides[0]!.det,
      rec: recInt8 ? await load(REC, 'int8') : recFp32,
      latency: new RollingMedian(20),
      runs: `det ${detInt8 ? 'int8' : 'fp32'} + rec ${recInt8 ? 'int8' : 'fp32'}`,
    });
  }
  const note =
    detInt8 && recInt8
      ? ''
      : `No int8 ${[detInt8 ? '' : 'det', recInt8 ? '' : 'rec'].filter(Boolean).join(' or ')} here: edgewise-models quantize refused it at build time, so ${sides.length > 1 ? 'the int8 side runs that model in fp32' : 'only fp32 is shown'}.`;
  return { sides, labels, note };
}
