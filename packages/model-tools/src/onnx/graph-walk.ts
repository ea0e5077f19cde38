import type { GraphProto, NodeProto } from './proto.js';

/** A graph and the graphs around it: names a subgraph does not define resolve in its parents. */
export interface GraphScope {
  graph: GraphProto;
  parent: GraphScope | undefined;
}

/** The body graphs a control-flow node carries in its attributes (If branches, Loop and Scan bodies). */
export function subgraphsOf(node: NodeProto): GraphProto[] {
  const graphs: GraphProto[] = [];
  for (const attribute of node.attribute ?? []) {
    if (attribute.g) graphs.push(attribute.g);
    for (const g of attribute.graphs ?? []) graphs.push(g);
  }
  return graphs;
}

/** Visits `root` and every subgraph inside it, parents before children. */
export function forEachGraph(
  root: GraphProto,
  visit: (scope: GraphScope) => void,
  parent?: GraphScope,
): void {
  const scope: GraphScope = { graph: root, parent };
  visit(scope);
  for (const node of root.node ?? []) {
    for (const sub of subgraphsOf(node)) forEachGraph(sub, visit, scope);
  }
}

/** Visits every node of `root` and of its subgraphs, with the scope it lives in. */
export function forEachNode(root: GraphProto, visit: (node: NodeProto, scope: GraphScope) => void): void {
  forEachGraph(root, (scope) => {
    for (const node of scope.graph.node ?? []) visit(node, scope);
  });
}

/** A readable handle for a node in reports: its name, or its op and first output when it has none. */
export function nodeLabel(node: NodeProto): string {
  return node.name || `${node.opType}(${node.output?.[0] ?? '?'})`;
}
