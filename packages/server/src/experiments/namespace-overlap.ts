import type { ExperimentDefinition } from '../storage/records.js';

/**
 * Why `definition` cannot share its layer with `others`, or undefined when it can: experiments of one
 * namespace must take disjoint `[from, to)` ranges, or a user could be in two of them. Another
 * definition with the same key is the one being replaced, so it is not a conflict.
 */
export function namespaceOverlap(
  definition: ExperimentDefinition,
  others: readonly ExperimentDefinition[],
): string | undefined {
  const ns = definition.namespace;
  if (!ns) return undefined;
  const [a, b] = ns.range;
  for (const other of others) {
    if (other.key === definition.key || other.namespace?.name !== ns.name) continue;
    const [c, d] = other.namespace.range;
    if (a < d && c < b)
      return `namespace "${ns.name}" range [${a}, ${b}) overlaps experiment "${other.key}" [${c}, ${d}); choose a range outside it`;
  }
  return undefined;
}

/** The first overlap among a set of definitions that will all be stored (a file, a start-up list). */
export function overlapWithin(definitions: readonly ExperimentDefinition[]): string | undefined {
  for (const [i, definition] of definitions.entries()) {
    const problem = namespaceOverlap(definition, definitions.slice(0, i));
    if (problem) return `experiments[${i}] ("${definition.key}"): ${problem}`;
  }
  return undefined;
}
