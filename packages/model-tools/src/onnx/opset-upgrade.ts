import { ModelToolsError } from '../errors.js';
import { opsetVersion } from './graph-edit.js';
import { forEachGraph, nodeLabel } from './graph-walk.js';
import { NameAllocator } from './names.js';
import { ADAPTERS, type AdapterContext } from './opset-adapters.js';
import type { IModelProto, NodeProto } from './proto.js';
import { toNumber } from './tensor.js';

/** Ops that changed meaning at an opset and have no adapter here: a model using one is refused. */
const UNADAPTED: Record<string, number> = { Scan: 9, DFT: 20, GridSample: 20 };

/** The oldest ai.onnx opset the upgrade starts from (opset 7 dropped `broadcast` and `consumed_inputs`). */
export const OLDEST_UPGRADABLE_OPSET = 7;

/** The IR version an ai.onnx opset needs (onnx/docs/Versioning.md). */
export function minimumIrVersion(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 12) return opset - 5;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  return opset <= 20 ? 9 : 10;
}

export interface OpsetUpgrade {
  from: number;
  to: number;
  /** "op@version" of each adapted node, for the report. */
  adapted: string[];
}

/**
 * Converts a model's ai.onnx nodes (subgraphs included) from its opset to `target`, in place, the way
 * onnx.version_converter does for the ops real exports use: attributes that became inputs (Slice, Clip,
 * Pad, Squeeze/Unsqueeze, ReduceX, Split, TopK), Upsample → Resize with the old sampling spelled out,
 * Softmax's 2-D coercion made explicit, Dropout → Identity, BatchNormalization's removed attributes and
 * training outputs. Every other op means the same across these opsets. Throws UNSUPPORTED naming the
 * node when one cannot be converted.
 */
export function upgradeOnnxOpset(model: IModelProto, target: number): OpsetUpgrade {
  const from = opsetVersion(model) ?? 1;
  const adapted: string[] = [];
  if (from >= target) return { from, to: from, adapted };
  if (from < OLDEST_UPGRADABLE_OPSET) {
    throw new ModelToolsError(
      'UNSUPPORTED',
      `the model is ai.onnx opset ${from}; opsets before ${OLDEST_UPGRADABLE_OPSET} are not upgraded here: ` +
        `export it again at opset ${target} or later (torch.onnx.export(..., opset_version=${target}))`,
    );
  }
  const root = model.graph ?? {};
  const names = new NameAllocator(root);
  forEachGraph(root, ({ graph }) => {
    graph.node = (graph.node ?? []).flatMap((node) => upgradeNode(node, from, target, names, adapted));
  });
  model.opsetImport = [
    ...(model.opsetImport ?? []).filter((o) => (o.domain ?? '') !== '' && o.domain !== 'ai.onnx'),
    { domain: '', version: target },
  ];
  if (toNumber(model.irVersion) < minimumIrVersion(target)) model.irVersion = minimumIrVersion(target);
  return { from, to: target, adapted };
}

function upgradeNode(
  node: NodeProto,
  from: number,
  target: number,
  names: NameAllocator,
  adapted: string[],
): NodeProto[] {
  if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') return [node];
  const ctx: AdapterContext = {
    names,
    before: [],
    constant(base, tensor) {
      const name = names.unique(base);
      tensor.name = name;
      ctx.before.push({
        name: names.unique(`${name}_Constant`),
        opType: 'Constant',
        output: [name],
        attribute: [{ name: 'value', type: 4 /* TENSOR */, t: tensor }],
      });
      return name;
    },
  };
  let current: NodeProto[] = [node];
  // Each step sees the op as the previous one left it (Upsample becomes Resize at 10, then Resize changes at 11).
  for (let version = from + 1; version <= target; version++) {
    if (current.length !== 1) break;
    const op = current[0]!.opType ?? '';
    if (UNADAPTED[op] === version) throw cannotUpgrade(current[0]!, from, target, 'no converter for it');
    const adapter = ADAPTERS[op]?.[version];
    if (!adapter) continue;
    const result = adapter(current[0]!, ctx);
    if (typeof result === 'string') throw cannotUpgrade(current[0]!, from, target, result);
    if (result === null) continue;
    if (result) current = result;
    adapted.push(`${op}@${version}`);
  }
  return [...ctx.before, ...current];
}

function cannotUpgrade(node: NodeProto, from: number, target: number, why: string): ModelToolsError {
  return new ModelToolsError(
    'UNSUPPORTED',
    `cannot upgrade ${node.opType} node "${nodeLabel(node)}" from opset ${from} to ${target} (${why}); ` +
      `export the model again at opset ${target} or later`,
  );
}

/**
 * Raises the ai.onnx opset to `target` when the model's is lower, converting the nodes that changed
 * (upgradeOnnxOpset), so new nodes (DynamicQuantizeLinear, per-channel DequantizeLinear) are valid.
 * Returns a note for the report, or undefined when nothing changed.
 */
export function raiseOnnxOpset(model: IModelProto, target: number, why: string): string | undefined {
  const { from, to, adapted } = upgradeOnnxOpset(model, target);
  if (from === to) return undefined;
  const converted = adapted.length > 0 ? `, converting ${adapted.length} node(s)` : '';
  return `raised the ai.onnx opset from ${from} to ${to} for ${why}${converted}`;
}

/** Imports a non-default domain (com.microsoft) at `version` if the model does not already. */
export function importDomain(model: IModelProto, domain: string, version: number): void {
  if (opsetVersion(model, domain) !== undefined) return;
  model.opsetImport = [...(model.opsetImport ?? []), { domain, version }];
}
