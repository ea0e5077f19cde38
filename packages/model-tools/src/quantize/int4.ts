import { ModelToolsError } from '../errors.js';
import { intAttr } from '../onnx/attributes.js';
import { decodeOnnx, encodeOnnx } from '../onnx/codec.js';
import { importDomain } from '../onnx/opset-upgrade.js';
import type { NodeProto } from '../onnx/proto.js';
import { makeTensor } from '../onnx/tensor.js';
import { findWeightSites, type SiteSearch, type WeightSite } from '../onnx/weight-sites.js';
import { GraphRewriter } from './graph-rewriter.js';
import { int4NeedsSymmetric, quantizeInt4Blocks } from './int4-blocks.js';
import { type MatMulForm, matMulForm } from './matmul-form.js';
import type { QuantizeSummary } from './quantize-summary.js';

export interface Int4Options extends Omit<SiteSearch, 'opTypes'> {
  /** Values per scale along K: a power of two, at least 16 (onnxruntime's rule). Default 32. */
  blockSize?: number;
  /**
   * Symmetric blocks (implicit zero point 8, no zero_points input) instead of asymmetric. Default false;
   * a layer whose zero points would not fill whole 4-byte words is symmetric anyway (see int4NeedsSymmetric).
   */
  symmetric?: boolean;
  /** MatMulNBits accuracy_level (0 = unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 compute). */
  accuracyLevel?: number;
}

function checkOptions(blockSize: number, accuracyLevel: number): void {
  if (![0, 1, 2, 3, 4].includes(accuracyLevel)) {
    throw new ModelToolsError('BAD_ARGUMENT', `accuracy level must be 0, 1, 2, 3 or 4, got ${accuracyLevel}`);
  }
  if (!Number.isInteger(blockSize) || blockSize < 16 || (blockSize & (blockSize - 1)) !== 0) {
    throw new ModelToolsError(
      'BAD_ARGUMENT',
      `block size must be a power of two ≥ 16 (e.g. 32, 64, 128), got ${blockSize}`,
    );
  }
}

function matMulNBits(
  rewriter: GraphRewriter,
  site: WeightSite,
  form: MatMulForm,
  options: Required<Omit<Int4Options, 'excludeNodes'>>,
): NodeProto[] {
  const { names } = rewriter;
  const graph = site.scope.graph;
  const symmetric = options.symmetric || int4NeedsSymmetric(form.k, form.n, options.blockSize);
  const blocks = quantizeInt4Blocks(form.weights, form.k, form.n, options.blockSize, symmetric);
  const base = site.weightName;
  const inputs = [
    site.activation,
    rewriter.addInitializer(
      graph,
      makeTensor(names.unique(`${base}_Q4`), [form.n, blocks.nBlocks, options.blockSize / 2], blocks.packed),
    ),
    rewriter.addInitializer(
      graph,
      makeTensor(names.unique(`${base}_scales`), [form.n * blocks.nBlocks], blocks.scales),
    ),
  ];
  if (blocks.zeroPoints) {
    const zp = makeTensor(names.unique(`${base}_zero_points`), [blocks.zeroPoints.length], blocks.zeroPoints);
    inputs.push(rewriter.addInitializer(graph, zp));
  }
  const out = site.node.output?.[0] ?? '';
  const bias = form.bias;
  let biasName = bias.kind === 'tensor' ? bias.name : undefined;
  if (bias.kind === 'constant') {
    biasName = rewriter.addInitializer(
      graph,
      makeTensor(names.unique(`${bias.name}_scaled`), bias.dims, bias.values),
    );
  }
  const productOut = biasName ? names.unique(`${out}_matmul`) : out;
  const attribute = [
    intAttr('K', form.k),
    intAttr('N', form.n),
    intAttr('bits', 4),
    intAttr('block_size', options.blockSize),
  ];
  if (options.accuracyLevel) attribute.push(intAttr('accuracy_level', options.accuracyLevel));
  const nodes: NodeProto[] = [
    {
      name: names.unique(`${site.node.name || out}_Q4`),
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      input: inputs,
      output: [productOut],
      attribute,
    },
  ];
  if (biasName)
    nodes.push({
      name: names.unique(`${site.node.name || out}_bias_add`),
      opType: 'Add',
      input: [productOut, biasName],
      output: [out],
    });
  return nodes;
}

/**
 * 4-bit block-wise weights, as onnxruntime's MatMul4BitsQuantizer writes them: each MatMul (and Gemm,
 * turned into MatMul + Add) with a 2-D float constant weight becomes com.microsoft MatMulNBits.
 * Activations stay float; so does everything else.
 *
 * @example
 * const { bytes } = quantizeInt4(modelBytes, { blockSize: 32 });
 */
export function quantizeInt4(bytes: Uint8Array, options: Int4Options = {}): QuantizeSummary {
  const settings = {
    blockSize: options.blockSize ?? 32,
    symmetric: options.symmetric ?? false,
    accuracyLevel: options.accuracyLevel ?? 0,
  };
  checkOptions(settings.blockSize, settings.accuracyLevel);
  const model = decodeOnnx(bytes);
  const root = model.graph!;
  const { sites, skipped, constants } = findWeightSites(root, { excludeNodes: options.excludeNodes ?? [] });
  const rewriter = new GraphRewriter(root);
  const quantizedNodes: string[] = [];
  const symmetricNodes: string[] = [];
  for (const site of sites) {
    if (site.op === 'Conv') {
      skipped.push({ name: site.label, reason: 'Conv is kept in float (4-bit covers MatMul and Gemm)' });
      continue;
    }
    const form = matMulForm(site, constants);
    if (typeof form === 'string') {
      skipped.push({ name: site.label, reason: form });
      continue;
    }
    rewriter.replace(site.scope.graph, site.node, matMulNBits(rewriter, site, form, settings));
    if (!settings.symmetric && int4NeedsSymmetric(form.k, form.n, settings.blockSize))
      symmetricNodes.push(site.label);
    rewriter.replacedConstants.add(site.weightName);
    quantizedNodes.push(site.label);
  }
  rewriter.commit();
  const notes: string[] = [];
  if (quantizedNodes.length > 0) {
    importDomain(model, 'com.microsoft', 1);
    notes.push(
      'imports the com.microsoft opset: MatMulNBits runs on onnxruntime, not on other ONNX runtimes',
    );
  }
  if (symmetricNodes.length > 0) {
    notes.push(
      `symmetric blocks for ${symmetricNodes.join(', ')}: onnxruntime-web's WebGPU kernel needs zero points in whole 4-byte words`,
    );
  }
  return { bytes: encodeOnnx(model), quantizedNodes, skippedNodes: skipped, notes };
}
