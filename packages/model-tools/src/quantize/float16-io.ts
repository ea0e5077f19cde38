import { forEachGraph } from '../onnx/graph-walk.js';
import type { NameAllocator } from '../onnx/names.js';
import { DataType, type GraphProto, type NodeProto } from '../onnx/proto.js';

type MakeCast = (from: string, to: string, type: number) => NodeProto;

/**
 * keep_io_types: the graph's float32 inputs and outputs keep their names and float32 type; the graph
 * reads `<input>_fp16` from a Cast after each input and writes `<output>_fp16`, cast back before each
 * output. Returns the names left float32.
 */
export function keepFloat32Io(
  root: GraphProto,
  names: NameAllocator,
  casts32: ReadonlySet<NodeProto>,
  cast: MakeCast,
): Set<string> {
  const initializers = new Set((root.initializer ?? []).map((t) => t.name ?? ''));
  const isFloat = (v: { type?: { tensorType?: { elemType?: number | null } | null } | null }) =>
    v.type?.tensorType?.elemType === DataType.FLOAT;
  const inputs = (root.input ?? []).filter((v) => v.name && isFloat(v) && !initializers.has(v.name));
  const inputNames = new Set(inputs.map((v) => v.name!));
  const outputs = (root.output ?? []).filter((v) => v.name && isFloat(v) && !inputNames.has(v.name));
  const head: NodeProto[] = [];
  const tail: NodeProto[] = [];
  for (const input of inputs) {
    const name = input.name!;
    const fp16 = names.unique(`${name}_fp16`);
    // Casts that feed float32-only nodes read the float32 input itself, so it is never rounded twice.
    renameEverywhere(root, name, fp16, { reads: true, writes: false }, casts32);
    head.push(cast(name, fp16, DataType.FLOAT16));
  }
  for (const output of outputs) {
    const name = output.name!;
    const fp16 = names.unique(`${name}_fp16`);
    renameEverywhere(root, name, fp16, { reads: true, writes: true }, new Set());
    for (const t of root.initializer ?? []) if (t.name === name) t.name = fp16;
    tail.push(cast(fp16, name, DataType.FLOAT));
  }
  root.node = [...head, ...(root.node ?? []), ...tail];
  return new Set([...inputNames, ...outputs.map((v) => v.name!)]);
}

function renameEverywhere(
  root: GraphProto,
  from: string,
  to: string,
  what: { reads: boolean; writes: boolean },
  skip: ReadonlySet<NodeProto>,
): void {
  const swap = (names: string[] | null | undefined) => (names ?? []).map((n) => (n === from ? to : n));
  forEachGraph(root, ({ graph }) => {
    for (const node of graph.node ?? []) {
      if (skip.has(node)) continue;
      if (what.reads) node.input = swap(node.input);
      if (what.writes) node.output = swap(node.output);
    }
    if (!what.writes) return;
    for (const v of graph.valueInfo ?? []) if (v.name === from) v.name = to;
    // Outputs of the root graph keep their names: they are what the new Casts write.
    if (graph !== root) for (const v of graph.output ?? []) if (v.name === from) v.name = to;
  });
}
