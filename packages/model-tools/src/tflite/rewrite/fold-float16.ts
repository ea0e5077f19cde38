import { BuiltinOperator, TensorType } from '../schema.js';
import { addBuffer, type GraphOperator, type GraphSubgraph, isConstant, type TfliteGraph } from './graph.js';
import { constantFloats, float32Bytes } from './tensor-data.js';

/**
 * Replaces every DEQUANTIZE of a constant float16 tensor by its float32 result, as a constant.
 * Converters store "fp16" models that way (MediaPipe's models are all like this): the weights are
 * half, and the runtime widens them before the first run. The quantizers need the float32 weights in
 * front of the op that uses them. Returns how many DEQUANTIZE ops were folded, and `unfoldUnchanged`,
 * which puts back the DEQUANTIZE of every weight still float32 afterwards, so weights a quantizer left
 * alone stay half in the file instead of doubling.
 */
export function foldFloat16Dequantize(graph: TfliteGraph): { folded: number; unfoldUnchanged: () => void } {
  let folded = 0;
  const undo: { s: GraphSubgraph; op: GraphOperator; buffer: number }[] = [];
  for (const s of graph.subgraphs) {
    s.operators = s.operators.filter((op) => {
      if (op.code.builtinCode !== BuiltinOperator.DEQUANTIZE) return true;
      const input = s.tensors[op.inputs[0]!]!;
      const output = s.tensors[op.outputs[0]!]!;
      if (input.type !== TensorType.FLOAT16 || !isConstant(graph, input)) return true;
      if (s.outputs.includes(op.outputs[0]!)) return true;
      output.buffer = addBuffer(graph, float32Bytes(constantFloats(graph, input)));
      undo.push({ s, op, buffer: output.buffer });
      output.type = TensorType.FLOAT32;
      folded++;
      return false;
    });
  }
  const unfoldUnchanged = () => {
    for (const { s, op, buffer } of undo) {
      const output = s.tensors[op.outputs[0]!]!;
      if (output.buffer !== buffer || output.type !== TensorType.FLOAT32) continue;
      output.buffer = 0;
      // Constants feed nothing upstream, so the DEQUANTIZE can run first.
      s.operators.unshift(op);
    }
  };
  return { folded, unfoldUnchanged };
}
