import { ModelToolsError } from '../errors.js';
import { intAttribute } from './attributes.js';
import { ConstantIndex, type ConstantSource } from './constants.js';
import { forEachNode, type GraphScope, nodeLabel } from './graph-walk.js';
import { DataType, type GraphProto, type NodeProto } from './proto.js';
import { dtypeName, readFloatTensor, tensorDims } from './tensor.js';

export type WeightOp = 'MatMul' | 'Gemm' | 'Conv';
export const WEIGHT_OPS: readonly WeightOp[] = ['MatMul', 'Gemm', 'Conv'];

/** Ops that carry weights but that these tools leave in float, so reports can say so. */
const FLOAT_KEPT_OPS = new Set(['LSTM', 'GRU', 'RNN', 'ConvTranspose', 'Attention', 'MultiHeadAttention']);

/** A MatMul, Gemm or Conv whose weight (input 1) is a float constant. */
export interface WeightSite {
  node: NodeProto;
  label: string;
  scope: GraphScope;
  op: WeightOp;
  /** Input 0: the activation. */
  activation: string;
  weightName: string;
  weight: ConstantSource;
  values: Float32Array;
  dims: number[];
}

export interface SkippedNode {
  name: string;
  reason: string;
}

export interface SiteSearch {
  opTypes?: readonly WeightOp[];
  /** Node names to leave alone. */
  excludeNodes?: readonly string[];
}

function checkShape(op: WeightOp, node: NodeProto, dims: number[]): string | undefined {
  if (op === 'Conv')
    return dims.length >= 3 ? undefined : `its weight has shape [${dims}], expected [M, C, k…]`;
  if (dims.length !== 2) return `its weight has shape [${dims}]; only 2-D weights are quantized`;
  if (op === 'Gemm' && intAttribute(node, 'transA', 0) !== 0) return 'Gemm with transA = 1 is not handled';
  return undefined;
}

/** Finds the nodes whose weights can be quantized or pruned, in every graph, and says why others cannot. */
export function findWeightSites(
  root: GraphProto,
  search: SiteSearch = {},
): { sites: WeightSite[]; skipped: SkippedNode[]; constants: ConstantIndex } {
  const opTypes = new Set<string>(search.opTypes ?? WEIGHT_OPS);
  const excluded = new Set(search.excludeNodes ?? []);
  const constants = new ConstantIndex();
  const sites: WeightSite[] = [];
  const skipped: SkippedNode[] = [];
  forEachNode(root, (node, scope) => {
    const op = node.opType ?? '';
    const label = nodeLabel(node);
    const skip = (reason: string) => skipped.push({ name: label, reason });
    if (node.domain && node.domain !== 'ai.onnx') return;
    if (FLOAT_KEPT_OPS.has(op))
      return skip(`${op} is left in float (only MatMul, Gemm and Conv weights are handled)`);
    if (!opTypes.has(op)) return;
    if (excluded.has(node.name ?? '')) return skip('excluded by the caller');
    const [activation, weightName] = node.input ?? [];
    if (!activation || !weightName) return skip('it has fewer than two inputs');
    const weight = constants.find(scope, weightName);
    if (!weight) return skip(`its weight "${weightName}" is computed at run time, not a constant`);
    if (weight.tensor.dataType !== DataType.FLOAT) {
      return skip(`its weight "${weightName}" is ${dtypeName(weight.tensor.dataType)}, not float32`);
    }
    const dims = tensorDims(weight.tensor);
    const shapeProblem = checkShape(op as WeightOp, node, dims);
    if (shapeProblem) return skip(shapeProblem);
    let values: Float32Array;
    try {
      values = readFloatTensor(weight.tensor);
    } catch (error) {
      if (error instanceof ModelToolsError) return skip(error.message);
      throw error;
    }
    sites.push({ node, label, scope, op: op as WeightOp, activation, weightName, weight, values, dims });
  });
  return { sites, skipped, constants };
}
