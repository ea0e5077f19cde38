import { ModelToolsError } from '../errors.js';
import { intAttribute } from './attributes.js';
import { opsetVersion } from './graph-edit.js';
import { forEachNode } from './graph-walk.js';
import type { IModelProto, NodeProto } from './proto.js';
import { toNumber } from './tensor.js';

/**
 * Ops whose inputs or meaning changed at an opset (attributes became inputs, defaults moved). A model
 * using one cannot be relabelled past that opset without converting it.
 */
const CHANGED_AT: Record<number, readonly string[]> = {
  10: ['Slice', 'TopK', 'Upsample'],
  11: ['Clip', 'Pad', 'Resize'],
  12: ['Dropout'],
  13: ['Squeeze', 'Unsqueeze', 'ReduceSum', 'Split', 'Softmax', 'LogSoftmax', 'Hardmax'],
};

/** The IR version an ai.onnx opset needs (onnx/docs/Versioning.md). */
export function minimumIrVersion(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 12) return opset - 5;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  return opset <= 20 ? 9 : 10;
}

/** Softmax-like ops mean the same at every opset when they normalize over the last axis. */
function unchangedByUpgrade(node: NodeProto): boolean {
  return (
    ['Softmax', 'LogSoftmax', 'Hardmax'].includes(node.opType ?? '') && intAttribute(node, 'axis', 1) === -1
  );
}

/**
 * Raises the ai.onnx opset to `target` (and the IR version with it) when the model's is lower, so new
 * nodes are valid. Throws UNSUPPORTED when an op already in the model changed meaning in between.
 * Returns a note for the report, or undefined when nothing changed.
 */
export function raiseOnnxOpset(model: IModelProto, target: number, why: string): string | undefined {
  const current = opsetVersion(model) ?? 1;
  if (current >= target) return undefined;
  const changed = new Set(
    Object.entries(CHANGED_AT).flatMap(([v, ops]) => (Number(v) > current && Number(v) <= target ? ops : [])),
  );
  forEachNode(model.graph ?? {}, (node) => {
    if ((node.domain ?? '') !== '' || !changed.has(node.opType ?? '') || unchangedByUpgrade(node)) return;
    throw new ModelToolsError(
      'UNSUPPORTED',
      `${why} needs opset ${target}, but the model is opset ${current} and its ${node.opType} node "${node.name}" ` +
        `changed meaning in between; convert the model first (onnx.version_converter.convert_version(model, ${target}))`,
    );
  });
  model.opsetImport = [
    ...(model.opsetImport ?? []).filter((o) => (o.domain ?? '') !== '' && o.domain !== 'ai.onnx'),
    { domain: '', version: target },
  ];
  if (toNumber(model.irVersion) < minimumIrVersion(target)) model.irVersion = minimumIrVersion(target);
  return `raised the ai.onnx opset from ${current} to ${target} for ${why}`;
}

/** Imports a non-default domain (com.microsoft) at `version` if the model does not already. */
export function importDomain(model: IModelProto, domain: string, version: number): void {
  if (opsetVersion(model, domain) !== undefined) return;
  model.opsetImport = [...(model.opsetImport ?? []), { domain, version }];
}
