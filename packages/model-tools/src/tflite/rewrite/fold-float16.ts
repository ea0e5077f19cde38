import { BuiltinOperator, TensorType } from '../schema.js';
import { addBuffer, isConstant, type TfliteGraph } from './graph.js';
import { constantFloats, float32Bytes } from './tensor-data.js';

/**
 * Replaces every DEQUANTIZE of a constant float16 tensor by its float32 result, as a constant.
 * Converters store "fp16" models that way (MediaPipe's models are all like this): the weights are
 * half, and the runtime widens them before the first run. The quantizers need the float32 weights in
 * front of the op that uses them; weights they leave alone stay float32 (as a float model's would:
 * putting their half DEQUANTIZE back next to hybrid ops gave wrong results in LiteRT.js 2.5).
 * Returns how many DEQUANTIZE ops were folded.
 */
export function foldFloat16Dequantize(graph: TfliteGraph): number {
  let folded = 0;
  for (const s of graph.subgraphs) {
    s.operators = s.operators.filter((op) => {
      if (op.code.builtinCode !== BuiltinOperator.DEQUANTIZE) return true;
      const input = s.tensors[op.inputs[0]!]!;
      const output = s.tensors[op.outputs[0]!]!;
      if (input.type !== TensorType.FLOAT16 || !isConstant(graph, input)) return true;
      if (s.outputs.includes(op.outputs[0]!)) return true;
      output.buffer = addBuffer(graph, float32Bytes(constantFloats(graph, input)));
      output.type = TensorType.FLOAT32;
      folded++;
      return false;
    });
  }
  return folded;
}
