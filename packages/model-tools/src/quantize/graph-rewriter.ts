import { removeUnusedConstants } from '../onnx/graph-edit.js';
import { NameAllocator } from '../onnx/names.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/proto.js';

interface GraphEdits {
  replacements: Map<NodeProto, NodeProto[]>;
  initializers: TensorProto[];
}

/**
 * Collects node replacements and new initializers per graph and applies them in one pass, so node
 * order (which ONNX requires to be topological) is kept: a replacement takes the old node's place.
 */
export class GraphRewriter {
  readonly names: NameAllocator;
  /** Constants whose readers were rewritten; dropped at commit if nothing reads them any more. */
  readonly replacedConstants = new Set<string>();
  private readonly edits = new Map<GraphProto, GraphEdits>();

  constructor(private readonly root: GraphProto) {
    this.names = new NameAllocator(root);
  }

  addInitializer(graph: GraphProto, tensor: TensorProto): string {
    this.graphEdits(graph).initializers.push(tensor);
    return tensor.name ?? '';
  }

  /** Puts `nodes` where `node` was (include `node` itself to keep it). */
  replace(graph: GraphProto, node: NodeProto, nodes: NodeProto[]): void {
    this.graphEdits(graph).replacements.set(node, nodes);
  }

  commit(): void {
    for (const [graph, edits] of this.edits) {
      graph.node = (graph.node ?? []).flatMap((n) => edits.replacements.get(n) ?? [n]);
      graph.initializer = [...(graph.initializer ?? []), ...edits.initializers];
    }
    removeUnusedConstants(this.root, this.replacedConstants);
  }

  private graphEdits(graph: GraphProto): GraphEdits {
    let edits = this.edits.get(graph);
    if (!edits) {
      edits = { replacements: new Map(), initializers: [] };
      this.edits.set(graph, edits);
    }
    return edits;
  }
}
