import { forEachGraph } from './graph-walk.js';
import type { GraphProto } from './proto.js';

/**
 * Hands out value and node names not yet used anywhere in a model. ONNX names are global across
 * subgraphs (a subgraph may read any outer name), so uniqueness is checked over the whole model.
 */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(root: GraphProto) {
    forEachGraph(root, ({ graph }) => {
      for (const list of [graph.input, graph.output, graph.valueInfo])
        for (const v of list ?? []) this.add(v.name);
      for (const t of graph.initializer ?? []) this.add(t.name);
      for (const node of graph.node ?? []) {
        this.add(node.name);
        for (const name of [...(node.input ?? []), ...(node.output ?? [])]) this.add(name);
      }
    });
  }

  /** `base` itself when free, else `base_1`, `base_2`, … */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  private add(name: string | null | undefined): void {
    if (name) this.used.add(name);
  }
}
