import type { SkippedNode } from '../onnx/weight-sites.js';

export type { SkippedNode };

/** What a quantizer returns: the new model and which nodes it changed or left in float, and why. */
export interface QuantizeSummary {
  bytes: Uint8Array;
  quantizedNodes: string[];
  skippedNodes: SkippedNode[];
  /** Changes beyond the quantized nodes (an opset raised, activations left unquantized). */
  notes: string[];
}
