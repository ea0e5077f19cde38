import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import { raiseOnnxOpset } from '../onnx/opset-upgrade.js';
import { findWeightSites, type SiteSearch } from '../onnx/weight-sites.js';
import { DynamicInt8Nodes } from './dynamic-int8-nodes.js';
import { GraphRewriter } from './graph-rewriter.js';
import type { QuantizeSummary } from './quantize-summary.js';

export interface DynamicInt8Options extends SiteSearch {
  /** One weight scale per output column (MatMul/Gemm) or output channel (Conv) instead of one per tensor. */
  perChannel?: boolean;
}

/**
 * Dynamic int8 quantization, the graph onnxruntime's `quantize_dynamic` writes: weights of MatMul, Gemm
 * and Conv become int8 (symmetric), activations are quantized at run time by DynamicQuantizeLinear,
 * and MatMulInteger/ConvInteger + Cast + Mul give float results. Everything else stays float; subgraphs
 * (If/Loop bodies) are quantized too.
 *
 * @example
 * const { bytes, quantizedNodes } = quantizeDynamicInt8(modelBytes, { perChannel: true });
 */
export function quantizeDynamicInt8(bytes: Uint8Array, options: DynamicInt8Options = {}): QuantizeSummary {
  const model = decodeOnnx(bytes);
  const root = model.graph!;
  const { sites, skipped, constants } = findWeightSites(root, options);
  const rewriter = new GraphRewriter(root);
  const builder = new DynamicInt8Nodes(rewriter, constants, options.perChannel === true);
  const quantizedNodes: string[] = [];
  for (const site of sites) {
    const nodes = site.op === 'Conv' ? builder.conv(site) : builder.matMul(site);
    if (typeof nodes === 'string') {
      skipped.push({ name: site.label, reason: nodes });
      continue;
    }
    rewriter.replace(site.scope.graph, site.node, nodes);
    rewriter.replacedConstants.add(site.weightName);
    quantizedNodes.push(site.label);
  }
  rewriter.commit();
  const raised = quantizedNodes.length > 0 ? raiseOnnxOpset(model, 11, 'DynamicQuantizeLinear') : undefined;
  const notes = raised ? [raised] : [];
  return { bytes: encodeOnnx(model), quantizedNodes, skippedNodes: skipped, notes };
}
