import { ModelToolsError } from '../errors.js';
import { forEachNode, nodeLabel } from './graph-walk.js';
import { KNOWN_OPS_BY_DOMAIN } from './known-ops.js';
import type { IModelProto } from './proto.js';

/**
 * Throws UNKNOWN_OP, naming the op and the node, at the first node (subgraphs included) whose op is
 * neither a known ONNX / ai.onnx.ml / com.microsoft operator nor a function defined in the model.
 *
 * @example
 * validateOps(decodeOnnx(bytes)); // before quantizing or pruning
 */
export function validateOps(model: IModelProto): void {
  if (!model.graph) return;
  const functions = new Set((model.functions ?? []).map((fn) => `${fn.domain ?? ''}/${fn.name}`));
  forEachNode(model.graph, (node) => {
    const domain = node.domain ?? '';
    const op = node.opType ?? '';
    if (KNOWN_OPS_BY_DOMAIN[domain]?.has(op) || functions.has(`${domain}/${op}`)) return;
    const where = domain ? `${domain}.${op}` : op;
    throw new ModelToolsError(
      'UNKNOWN_OP',
      `node "${nodeLabel(node)}" uses op "${where}", which is not a standard ONNX operator (opsets up to 21) ` +
        'nor one onnxruntime adds; check the exporter settings, or export without custom ops',
    );
  });
}
