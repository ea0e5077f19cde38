import { forEachGraph } from './graph-walk.js';
import type { GraphProto, IModelProto } from './proto.js';
import { toNumber } from './tensor.js';

/** The model's opset for `domain` ('' is ai.onnx), or undefined when it does not import that domain. */
export function opsetVersion(model: IModelProto, domain = ''): number | undefined {
  const entry = (model.opsetImport ?? []).find(
    (o) => (o.domain ?? '') === domain || (domain === '' && o.domain === 'ai.onnx'),
  );
  return entry ? toNumber(entry.version) : undefined;
}

/**
 * Drops initializers and Constant nodes named in `candidates` that nothing reads any more (after their
 * consumers were rewritten to read a quantized copy). A name read in any graph keeps it, since subgraphs
 * may read outer names.
 */
export function removeUnusedConstants(root: GraphProto, candidates: ReadonlySet<string>): void {
  const read = new Set<string>();
  forEachGraph(root, ({ graph }) => {
    for (const node of graph.node ?? []) for (const name of node.input ?? []) read.add(name);
    for (const output of graph.output ?? []) if (output.name) read.add(output.name);
  });
  const dead = (name: string | null | undefined) => !!name && candidates.has(name) && !read.has(name);
  forEachGraph(root, ({ graph }) => {
    graph.initializer = (graph.initializer ?? []).filter((t) => !dead(t.name));
    graph.input = (graph.input ?? []).filter((i) => !dead(i.name));
    graph.node = (graph.node ?? []).filter((n) => !(n.opType === 'Constant' && dead(n.output?.[0])));
  });
}
