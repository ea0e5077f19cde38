import { attribute, intAttr } from './attributes.js';
import type { NameAllocator } from './names.js';
import { type AttributeProto, AttributeType, type NodeProto, type TensorProto } from './proto.js';
import { makeTensor, toNumber } from './tensor.js';

/**
 * What an adapter may do besides rewriting its node: add a constant (a Constant node placed before it,
 * which works in subgraphs too) and take fresh names.
 */
export interface AdapterContext {
  names: NameAllocator;
  /** Returns the name of a new Constant node's output, placed before the node being adapted. */
  constant(base: string, tensor: TensorProto): string;
  /** Nodes to place before the adapted node (Constants, Flatten…). */
  before: NodeProto[];
}

/**
 * Rewrites `node` (in place, or by returning replacement nodes) from the op's form before opset
 * `version` to its form at `version`. Returns a string when it cannot, saying why, and null when the
 * node means the same as it is.
 */
export type OpAdapter = (node: NodeProto, ctx: AdapterContext) => NodeProto[] | string | undefined | null;

function ints(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a ? (a.ints ?? []).map(toNumber) : undefined;
}

function dropAttributes(node: NodeProto, ...names: string[]): void {
  node.attribute = (node.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
}

function int64(ctx: AdapterContext, node: NodeProto, what: string, values: number[]): string {
  const base = `${node.name || node.output?.[0] || node.opType}_${what}`;
  return ctx.constant(base, makeTensor(base, [values.length], BigInt64Array.from(values.map(BigInt))));
}

function float32Scalar(ctx: AdapterContext, node: NodeProto, what: string, value: number): string {
  const base = `${node.name || node.output?.[0] || node.opType}_${what}`;
  return ctx.constant(base, makeTensor(base, [], Float32Array.of(value)));
}

/** `axes` (or another ints attribute) moves to input `index`; absent stays absent (''-padded). */
function attributeToInput(name: string, index: number): OpAdapter {
  return (node, ctx) => {
    const values = ints(node, name);
    if (values === undefined) return null;
    dropAttributes(node, name);
    const input = [...(node.input ?? [])];
    while (input.length < index) input.push('');
    input[index] = int64(ctx, node, name, values);
    node.input = input;
    return undefined;
  };
}

/** Slice-10: starts, ends, axes attributes become inputs 1–3. */
const slice10: OpAdapter = (node, ctx) => {
  const starts = ints(node, 'starts') ?? [];
  const ends = ints(node, 'ends') ?? [];
  const axes = ints(node, 'axes');
  dropAttributes(node, 'starts', 'ends', 'axes');
  node.input = [
    node.input?.[0] ?? '',
    int64(ctx, node, 'starts', starts),
    int64(ctx, node, 'ends', ends),
    ...(axes ? [int64(ctx, node, 'axes', axes)] : []),
  ];
  return undefined;
};

/** Clip-11: min and max attributes become inputs (float32: the models that reach here are float). */
const clip11: OpAdapter = (node, ctx) => {
  const min = attribute(node, 'min')?.f;
  const max = attribute(node, 'max')?.f;
  dropAttributes(node, 'min', 'max');
  const input = [node.input?.[0] ?? ''];
  input.push(min === undefined || min === null ? '' : float32Scalar(ctx, node, 'min', min));
  if (max !== undefined && max !== null) input.push(float32Scalar(ctx, node, 'max', max));
  node.input = input[2] === undefined && input[1] === '' ? [input[0]!] : input;
  return undefined;
};

/** Pad-11: pads and value attributes become inputs; mode stays an attribute. */
const pad11: OpAdapter = (node, ctx) => {
  const pads = ints(node, 'pads') ?? ints(node, 'paddings') ?? [];
  const value = attribute(node, 'value')?.f ?? 0;
  const mode = attribute(node, 'mode')?.s;
  dropAttributes(node, 'pads', 'paddings', 'value');
  const input = [node.input?.[0] ?? '', int64(ctx, node, 'pads', pads)];
  const isConstantMode = !mode || new TextDecoder().decode(mode) === 'constant';
  if (isConstantMode && value !== 0) input.push(float32Scalar(ctx, node, 'value', value));
  node.input = input;
  return undefined;
};

function stringAttr(name: string, value: string): AttributeProto {
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
}

/**
 * Upsample (opset 7–9) and Resize-10 both sample at x_in = x_out / scale ("asymmetric") and round
 * nearest neighbours down; Resize-11 defaults to half_pixel, so the old meaning is spelled out.
 */
function resize11Attributes(node: NodeProto): void {
  const mode = attribute(node, 'mode')?.s;
  const modeName = mode ? new TextDecoder().decode(mode) : 'nearest';
  dropAttributes(node, 'coordinate_transformation_mode', 'nearest_mode', 'scales');
  node.attribute = [
    ...(node.attribute ?? []),
    stringAttr('coordinate_transformation_mode', 'asymmetric'),
    ...(modeName === 'nearest' ? [stringAttr('nearest_mode', 'floor')] : []),
  ];
}

/** Resize-11: X, roi, scales (roi is ignored for asymmetric, but input 1 must be there until opset 13). */
const resize11: OpAdapter = (node, ctx) => {
  const base = `${node.name || node.output?.[0]}_roi`;
  const roi = ctx.constant(base, makeTensor(base, [0], new Float32Array(0)));
  node.input = [node.input?.[0] ?? '', roi, node.input?.[1] ?? ''];
  resize11Attributes(node);
  return undefined;
};

/** Upsample-9 takes its scales as input 1 (an attribute before). */
const upsample9: OpAdapter = (node, ctx) => {
  const scales = attribute(node, 'scales')?.floats ?? [];
  dropAttributes(node, 'scales');
  const base = `${node.name || node.output?.[0]}_scales`;
  const name = ctx.constant(base, makeTensor(base, [scales.length], Float32Array.from(scales)));
  node.input = [node.input?.[0] ?? '', name];
  return undefined;
};

/**
 * Upsample-9 becomes Resize-10 (same inputs, same asymmetric sampling): Upsample-10 is deprecated and
 * onnxruntime does not load it at later opsets.
 */
const upsampleToResize: OpAdapter = (node) => {
  node.opType = 'Resize';
  return undefined;
};

/** Dropout does nothing at inference; Identity means that at every opset (and drops training inputs). */
const dropoutToIdentity: OpAdapter = (node) => {
  if ((node.output ?? []).filter(Boolean).length > 1) return 'its mask output is used';
  node.opType = 'Identity';
  node.input = [node.input?.[0] ?? ''];
  node.attribute = [];
  return undefined;
};

/**
 * Softmax-13 normalizes over one axis; before, over all axes from `axis` on (input coerced to 2-D).
 * Flatten → Softmax(axis 1) → Reshape back is the old meaning at any rank. axis = -1 means the same.
 */
const softmax13: OpAdapter = (node, ctx) => {
  const axisAttr = attribute(node, 'axis');
  const axis = axisAttr ? toNumber(axisAttr.i) : 1;
  if (axis === -1) return null;
  const x = node.input?.[0] ?? '';
  const y = node.output?.[0] ?? '';
  const base = node.name || y;
  const flat = ctx.names.unique(`${base}_flat`);
  const shape = ctx.names.unique(`${base}_shape`);
  const normalized = ctx.names.unique(`${base}_2d`);
  return [
    {
      name: ctx.names.unique(`${base}_Flatten`),
      opType: 'Flatten',
      input: [x],
      output: [flat],
      attribute: [intAttr('axis', axis)],
    },
    { name: ctx.names.unique(`${base}_Shape`), opType: 'Shape', input: [x], output: [shape] },
    { ...node, input: [flat], output: [normalized], attribute: [intAttr('axis', 1)] },
    { name: ctx.names.unique(`${base}_Reshape`), opType: 'Reshape', input: [normalized, shape], output: [y] },
  ];
};

/** BatchNormalization-9 dropped `spatial` (1 was the only meaning kept); training outputs are dropped. */
const batchNorm9: OpAdapter = (node) => {
  const spatial = attribute(node, 'spatial');
  if (spatial && toNumber(spatial.i) !== 1) return 'spatial = 0 has no equivalent after opset 8';
  dropAttributes(node, 'spatial', 'is_test', 'consumed_inputs');
  return undefined;
};

const batchNorm14: OpAdapter = (node) => {
  if ((node.output ?? []).slice(1).some(Boolean)) return 'its training outputs (mean, var) are used';
  node.output = [node.output?.[0] ?? ''];
  return undefined;
};

/** Split-18 needs num_outputs when no split sizes are given (before, the output count said it). */
const split18: OpAdapter = (node) => {
  if (!node.input?.[1])
    node.attribute = [...(node.attribute ?? []), intAttr('num_outputs', node.output?.length ?? 1)];
  return undefined;
};

/** Scatter was renamed ScatterElements at opset 11, same meaning. */
const scatter11: OpAdapter = (node) => {
  node.opType = 'ScatterElements';
  return undefined;
};

const REDUCE_18 = [
  'ReduceMean',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceSumSquare',
];

/** Adapters by op, each keyed by the opset at which the op changed. */
export const ADAPTERS: Record<string, Record<number, OpAdapter>> = {
  BatchNormalization: { 9: batchNorm9, 14: batchNorm14 },
  Clip: { 11: clip11 },
  Dropout: { 12: dropoutToIdentity },
  Hardmax: { 13: softmax13 },
  LogSoftmax: { 13: softmax13 },
  Pad: { 11: pad11 },
  ReduceSum: { 13: attributeToInput('axes', 1) },
  Resize: { 11: resize11 },
  Scatter: { 11: scatter11 },
  Slice: { 10: slice10 },
  Softmax: { 13: softmax13 },
  Split: { 13: attributeToInput('split', 1), 18: split18 },
  Squeeze: { 13: attributeToInput('axes', 1) },
  TopK: { 10: topK10 },
  Unsqueeze: { 13: attributeToInput('axes', 1) },
  Upsample: { 9: upsample9, 10: upsampleToResize },
  ...Object.fromEntries(REDUCE_18.map((op) => [op, { 18: attributeToInput('axes', 1) }])),
};

function topK10(node: NodeProto, ctx: AdapterContext): undefined {
  const k = attribute(node, 'k');
  dropAttributes(node, 'k');
  node.input = [node.input?.[0] ?? '', int64(ctx, node, 'k', [toNumber(k?.i)])];
  return undefined;
}
