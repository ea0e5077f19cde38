import type { GraphScope } from './graph-walk.js';
import type { GraphProto, NodeProto, TensorProto } from './proto.js';

/** Where a constant tensor lives: an initializer, or the `value` of a Constant node. */
export interface ConstantSource {
  tensor: TensorProto;
  graph: GraphProto;
  /** Set when the tensor is a Constant node's value rather than an initializer. */
  constantNode?: NodeProto;
}

type Binding = { kind: 'constant'; source: ConstantSource } | { kind: 'computed' };

/**
 * Resolves value names to constant tensors through nested scopes. Exporters put weights in initializers
 * or in Constant nodes (Silero VAD keeps them as Constant nodes inside If branches), and a subgraph may
 * use an initializer of any graph around it. Build one per pass: it indexes graphs as first seen.
 */
export class ConstantIndex {
  private readonly graphs = new Map<GraphProto, Map<string, Binding>>();

  find(scope: GraphScope, name: string): ConstantSource | undefined {
    for (let s: GraphScope | undefined = scope; s; s = s.parent) {
      const binding = this.bindings(s.graph).get(name);
      if (binding) return binding.kind === 'constant' ? binding.source : undefined;
    }
    return undefined;
  }

  private bindings(graph: GraphProto): Map<string, Binding> {
    let map = this.graphs.get(graph);
    if (map) return map;
    map = new Map();
    for (const tensor of graph.initializer ?? []) {
      if (tensor.name) map.set(tensor.name, { kind: 'constant', source: { tensor, graph } });
    }
    // A graph input without an initializer shadows outer names, and so does any node output.
    for (const input of graph.input ?? []) {
      if (input.name && !map.has(input.name)) map.set(input.name, { kind: 'computed' });
    }
    for (const node of graph.node ?? []) {
      const value =
        node.opType === 'Constant' && !node.domain
          ? node.attribute?.find((a) => a.name === 'value')?.t
          : undefined;
      for (const output of node.output ?? []) {
        if (!output) continue;
        map.set(
          output,
          value
            ? { kind: 'constant', source: { tensor: value, graph, constantNode: node } }
            : { kind: 'computed' },
        );
      }
    }
    this.graphs.set(graph, map);
    return map;
  }
}
