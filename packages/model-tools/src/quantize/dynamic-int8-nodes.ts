import { intAttr } from '../onnx/attributes.js';
import type { ConstantIndex } from '../onnx/constants.js';
import { DataType, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { makeTensor, readFloatTensor } from '../onnx/tensor.js';
import type { WeightSite } from '../onnx/weight-sites.js';
import type { GraphRewriter } from './graph-rewriter.js';
import { matMulForm } from './matmul-form.js';
import { PerGraphCache } from './per-graph-cache.js';
import { quantizeInt8Symmetric } from './quant-math.js';

/** The three names of a quantized tensor, as onnxruntime's quantizer spells them. */
interface QuantizedNames {
  quantized: string;
  scale: string;
  zeroPoint: string;
}

interface WeightRequest {
  values: Float32Array;
  dims: number[];
  axis: number | undefined;
  /** Shape of per-channel scales, so they broadcast over the op's output. */
  scaleDims: number[];
  /** One zero point per channel (MatMulInteger accepts it) or one scalar (ConvInteger needs that). */
  zeroPointPerChannel: boolean;
}

/**
 * Builds the nodes that replace one MatMul, Gemm or Conv in dynamic int8 form. One DynamicQuantizeLinear
 * per activation and graph, one int8 copy per weight and graph.
 */
export class DynamicInt8Nodes {
  private readonly activations = new PerGraphCache<QuantizedNames>();
  private readonly weights = new PerGraphCache<QuantizedNames>();

  constructor(
    private readonly rewriter: GraphRewriter,
    private readonly constants: ConstantIndex,
    private readonly perChannel: boolean,
  ) {}

  /** MatMul/Gemm → DynamicQuantizeLinear, MatMulInteger, Cast, Mul(x_scale, w_scale), Mul (+ Add bias). */
  matMul(site: WeightSite): NodeProto[] | string {
    const form = matMulForm(site, this.constants);
    if (typeof form === 'string') return form;
    const graph = site.scope.graph;
    let bias: string | undefined;
    if (form.bias.kind === 'tensor') bias = form.bias.name;
    if (form.bias.kind === 'constant') {
      const name = this.rewriter.names.unique(`${form.bias.name}_scaled`);
      bias = this.rewriter.addInitializer(graph, makeTensor(name, form.bias.dims, form.bias.values));
    }
    const nodes: NodeProto[] = [];
    const x = this.activation(graph, site.activation, nodes);
    const w = this.weight(site, {
      values: form.weights,
      dims: [form.k, form.n],
      axis: this.perChannel ? 1 : undefined,
      scaleDims: [form.n],
      zeroPointPerChannel: true,
    });
    const inputs = [x.quantized, w.quantized, x.zeroPoint, w.zeroPoint];
    return [...nodes, ...this.integerTail(site, 'MatMulInteger', inputs, x.scale, w.scale, bias)];
  }

  /** Conv → DynamicQuantizeLinear, ConvInteger, Cast, Muls (+ Add of the bias reshaped to [M, 1, …]). */
  conv(site: WeightSite): NodeProto[] | string {
    const graph = site.scope.graph;
    const channels = site.dims[0]!;
    const ones = site.dims.slice(2).map(() => 1);
    const b = site.node.input?.[2];
    let bias: string | undefined;
    if (b) {
      const source = this.constants.find(site.scope, b);
      if (!source || source.tensor.dataType !== DataType.FLOAT)
        return `its bias "${b}" is not a float32 constant`;
      const name = this.rewriter.names.unique(`${b}_reshaped`);
      bias = this.rewriter.addInitializer(
        graph,
        makeTensor(name, [channels, ...ones], readFloatTensor(source.tensor)),
      );
      this.rewriter.replacedConstants.add(b);
    }
    const nodes: NodeProto[] = [];
    const x = this.activation(graph, site.activation, nodes);
    const w = this.weight(site, {
      values: site.values,
      dims: site.dims,
      axis: this.perChannel ? 0 : undefined,
      scaleDims: [channels, ...ones],
      // onnxruntime's ConvInteger takes only a scalar weight zero point; symmetric weights make it 0 anyway.
      zeroPointPerChannel: false,
    });
    const inputs = [x.quantized, w.quantized, x.zeroPoint, w.zeroPoint];
    return [
      ...nodes,
      ...this.integerTail(site, 'ConvInteger', inputs, x.scale, w.scale, bias, site.node.attribute ?? []),
    ];
  }

  /** The activation's uint8 names; pushes its DynamicQuantizeLinear onto `nodes` the first time. */
  private activation(graph: GraphProto, x: string, nodes: NodeProto[]): QuantizedNames {
    return this.activations.get(graph, x, () => {
      const q = this.namesFor(x);
      const name = this.rewriter.names.unique(`${x}_QuantizeLinear`);
      nodes.push({
        name,
        opType: 'DynamicQuantizeLinear',
        input: [x],
        output: [q.quantized, q.scale, q.zeroPoint],
      });
      return q;
    });
  }

  private weight(site: WeightSite, request: WeightRequest): QuantizedNames {
    // A weight transposed or scaled for this node (Gemm) is its own tensor; one read as stored is shared.
    const asStored = request.values === site.values;
    const key = asStored ? `${site.weightName}|${request.axis}` : `${site.label}|transformed`;
    return this.weights.get(site.scope.graph, key, () => {
      const { values, dims, axis } = request;
      const w = quantizeInt8Symmetric(values, dims, axis);
      const q = this.namesFor(site.weightName);
      const zpCount = request.zeroPointPerChannel && axis !== undefined ? w.scales.length : 1;
      const graph = site.scope.graph;
      this.rewriter.addInitializer(graph, makeTensor(q.quantized, dims, w.quantized));
      this.rewriter.addInitializer(
        graph,
        makeTensor(q.scale, axis === undefined ? [] : request.scaleDims, w.scales),
      );
      this.rewriter.addInitializer(
        graph,
        makeTensor(q.zeroPoint, zpCount === 1 ? [] : [zpCount], new Int8Array(zpCount)),
      );
      return q;
    });
  }

  private namesFor(base: string): QuantizedNames {
    const { names } = this.rewriter;
    return {
      quantized: names.unique(`${base}_quantized`),
      scale: names.unique(`${base}_scale`),
      zeroPoint: names.unique(`${base}_zero_point`),
    };
  }

  /** The integer op, then the float rescale (and bias); names follow onnxruntime's quantize_dynamic. */
  private integerTail(
    site: WeightSite,
    opType: string,
    inputs: string[],
    xScale: string,
    wScale: string,
    bias: string | undefined,
    attribute: NodeProto['attribute'] = [],
  ): NodeProto[] {
    const { names } = this.rewriter;
    const out = site.node.output?.[0] ?? '';
    const base = site.node.name ? `${site.node.name}_quant` : '';
    const integerOut = names.unique(`${out}_output_quantized`);
    const castOut = names.unique(`${integerOut}_cast_output`);
    const scalesName = base ? `${base}_scales_mul` : `${xScale}_${wScale}_mul`;
    const scalesOut = names.unique(`${scalesName}:0`);
    const scaledOut = bias ? names.unique(`${out}_scaled`) : out;
    const nodes: NodeProto[] = [
      { name: base ? names.unique(base) : '', opType, input: inputs, output: [integerOut], attribute },
      {
        name: names.unique(`${integerOut}_cast`),
        opType: 'Cast',
        input: [integerOut],
        output: [castOut],
        attribute: [intAttr('to', DataType.FLOAT)],
      },
      { name: names.unique(scalesName), opType: 'Mul', input: [xScale, wScale], output: [scalesOut] },
      {
        name: names.unique(`${base || out}_output_scale_mul`),
        opType: 'Mul',
        input: [castOut, scalesOut],
        output: [scaledOut],
      },
    ];
    if (bias) {
      const name = names.unique(`${base || out}_bias_add`);
      nodes.push({ name, opType: 'Add', input: [scaledOut, bias], output: [out] });
    }
    return nodes;
  }
}
