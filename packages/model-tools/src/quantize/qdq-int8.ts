import { ModelToolsError } from '../errors.js';
import { intAttr, intAttribute } from '../onnx/attributes.js';
import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import { raiseOnnxOpset } from '../onnx/opset-upgrade.js';
import type { GraphProto, NodeProto } from '../onnx/proto.js';
import { makeTensor } from '../onnx/tensor.js';
import { findWeightSites, type SiteSearch, type WeightSite } from '../onnx/weight-sites.js';
import { type CalibrationFeed, calibrateRanges, type ValueRange } from './calibrate.js';
import { GraphRewriter } from './graph-rewriter.js';
import { PerGraphCache } from './per-graph-cache.js';
import { quantizeInt8Symmetric, uint8Params } from './quant-math.js';
import type { QuantizeSummary } from './quantize-summary.js';

export interface QdqInt8Options extends SiteSearch {
  /** Representative input examples; activation ranges are their min/max. Needed unless `weightOnly`. */
  calibration?: readonly CalibrationFeed[];
  /** One weight scale per output channel (DequantizeLinear `axis`, opset 13). */
  perChannel?: boolean;
  /** Quantize weights only: DequantizeLinear on int8 weights, activations stay float. */
  weightOnly?: boolean;
}

export interface QdqSummary extends QuantizeSummary {
  /** Calibrated min/max of each quantized activation. */
  activationRanges: Record<string, ValueRange>;
}

/** The axis of the output channels in the stored weight: Conv [M, C, k…] → 0; MatMul [K, N] → 1; Gemm by transB. */
function channelAxis(site: WeightSite): number {
  if (site.op === 'Conv') return 0;
  if (site.op === 'Gemm') return intAttribute(site.node, 'transB', 0) !== 0 ? 0 : 1;
  return 1;
}

/** Names follow onnxruntime's quantize_static (QDQ format) so tools that look for them find them. */
class QdqBuilder {
  private readonly done = new PerGraphCache<string>();

  constructor(
    private readonly rewriter: GraphRewriter,
    private readonly perChannel: boolean,
  ) {}

  activation(graph: GraphProto, x: string, range: ValueRange, nodes: NodeProto[]): string {
    return this.done.get(graph, `a:${x}`, () => {
      const { names } = this.rewriter;
      const { scale, zeroPoint } = uint8Params(range.min, range.max);
      const scaleName = this.rewriter.addInitializer(
        graph,
        makeTensor(names.unique(`${x}_scale`), [], Float32Array.of(scale)),
      );
      const zpName = this.rewriter.addInitializer(
        graph,
        makeTensor(names.unique(`${x}_zero_point`), [], Uint8Array.of(zeroPoint)),
      );
      const quantized = names.unique(`${x}_QuantizeLinear_Output`);
      const dequantized = names.unique(`${x}_DequantizeLinear_Output`);
      nodes.push(
        {
          name: names.unique(`${x}_QuantizeLinear`),
          opType: 'QuantizeLinear',
          input: [x, scaleName, zpName],
          output: [quantized],
        },
        {
          name: names.unique(`${x}_DequantizeLinear`),
          opType: 'DequantizeLinear',
          input: [quantized, scaleName, zpName],
          output: [dequantized],
        },
      );
      return dequantized;
    });
  }

  weight(site: WeightSite, nodes: NodeProto[]): string {
    const axis = this.perChannel ? channelAxis(site) : undefined;
    return this.done.get(site.scope.graph, `w:${site.weightName}:${axis}`, () => {
      const { names } = this.rewriter;
      const graph = site.scope.graph;
      const w = site.weightName;
      const q = quantizeInt8Symmetric(site.values, site.dims, axis);
      const channels = axis === undefined ? [] : [q.scales.length];
      const qName = this.rewriter.addInitializer(
        graph,
        makeTensor(names.unique(`${w}_quantized`), site.dims, q.quantized),
      );
      const scale = this.rewriter.addInitializer(
        graph,
        makeTensor(names.unique(`${w}_scale`), channels, q.scales),
      );
      const zp = this.rewriter.addInitializer(
        graph,
        makeTensor(names.unique(`${w}_zero_point`), channels, new Int8Array(q.scales.length)),
      );
      const dequantized = names.unique(`${w}_DequantizeLinear_Output`);
      const attribute = axis === undefined ? [] : [intAttr('axis', axis)];
      nodes.push({
        name: names.unique(`${w}_DequantizeLinear`),
        opType: 'DequantizeLinear',
        input: [qName, scale, zp],
        output: [dequantized],
        attribute,
      });
      return dequantized;
    });
  }
}

/**
 * QDQ int8 quantization, the graph onnxruntime's `quantize_static` writes: int8 weights (symmetric) behind
 * DequantizeLinear, and QuantizeLinear → DequantizeLinear (uint8, calibrated min/max) on the activations
 * feeding MatMul, Gemm and Conv. onnxruntime fuses these into integer kernels when it loads the model.
 *
 * @example
 * const { bytes } = await quantizeQdqInt8(modelBytes, { calibration: rows.map((r) => ({ input: r })) });
 */
export async function quantizeQdqInt8(bytes: Uint8Array, options: QdqInt8Options = {}): Promise<QdqSummary> {
  const weightOnly = options.weightOnly === true;
  const calibration = options.calibration ?? [];
  if (!weightOnly && calibration.length === 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      'qdq-int8 needs calibration examples (a few hundred representative inputs), or weightOnly: true',
    );
  }
  const model = decodeOnnx(bytes);
  const root = model.graph!;
  const { sites, skipped, constants } = findWeightSites(root, options);
  const notes: string[] = [];
  // Only top-level activations can be fetched from onnxruntime; constant "activations" need no range.
  const topLevel = sites.filter(
    (s) => s.scope.parent === undefined && !constants.find(s.scope, s.activation),
  );
  const nested = sites.filter((s) => s.scope.parent !== undefined).length;
  if (!weightOnly && nested > 0) {
    notes.push(
      `${nested} node(s) inside subgraphs got weight-only quantization: their activations cannot be calibrated`,
    );
  }
  const ranges = weightOnly
    ? new Map<string, ValueRange>()
    : await calibrateRanges(model, [...new Set(topLevel.map((s) => s.activation))], calibration);
  const rewriter = new GraphRewriter(root);
  const builder = new QdqBuilder(rewriter, options.perChannel === true);
  const quantizedNodes: string[] = [];
  for (const site of sites) {
    const nodes: NodeProto[] = [];
    const range = topLevel.includes(site) ? ranges.get(site.activation) : undefined;
    const input = [...(site.node.input ?? [])];
    if (range) input[0] = builder.activation(site.scope.graph, site.activation, range, nodes);
    input[1] = builder.weight(site, nodes);
    site.node.input = input;
    rewriter.replace(site.scope.graph, site.node, [...nodes, site.node]);
    rewriter.replacedConstants.add(site.weightName);
    quantizedNodes.push(site.label);
  }
  rewriter.commit();
  if (quantizedNodes.length > 0) {
    const raised = options.perChannel
      ? raiseOnnxOpset(model, 13, 'per-channel DequantizeLinear')
      : raiseOnnxOpset(model, 10, 'QuantizeLinear/DequantizeLinear');
    if (raised) notes.push(raised);
  }
  return {
    bytes: encodeOnnx(model),
    quantizedNodes,
    skippedNodes: skipped,
    notes,
    activationRanges: Object.fromEntries(ranges),
  };
}
