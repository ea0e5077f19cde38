import type { GraphProto } from '../onnx/proto.js';

/**
 * Memoizes per graph and key, so an activation or a weight read by several nodes of one graph is
 * quantized once. Per graph because a value built inside one subgraph is not visible from a sibling.
 */
export class PerGraphCache<T> {
  private readonly graphs = new Map<GraphProto, Map<string, T>>();

  get(graph: GraphProto, key: string, build: () => T): T {
    let values = this.graphs.get(graph);
    if (!values) {
      values = new Map();
      this.graphs.set(graph, values);
    }
    const known = values.get(key);
    if (known !== undefined) return known;
    const value = build();
    values.set(key, value);
    return value;
  }
}
