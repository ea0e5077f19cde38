/**
 * The part of Kubernetes' strategic merge patch that our overlays use: maps merge key by key, `null`
 * removes a key, and the lists Kubernetes declares with a merge key merge item by item (by that key);
 * any other list is replaced whole, as the API server does.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** `patchMergeKey` of the list fields in k8s.io/api that a patch of ours may touch. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  envFrom: 'prefix',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
  // Containers' ports merge by containerPort; a Service's ports by port.
  ports: 'containerPort',
};

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function strategicMerge(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    const current = result[key];
    if (value === null) {
      delete result[key];
    } else if (isObject(value) && isObject(current)) {
      result[key] = strategicMerge(current, value);
    } else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key]) {
      result[key] = mergeList(current, value, mergeKeyFor(key, current));
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeKeyFor(field: string, items: Json[]): string {
  if (
    field === 'ports' &&
    items.some((item) => isObject(item) && 'port' in item && !('containerPort' in item))
  ) {
    return 'port';
  }
  return MERGE_KEYS[field]!;
}

// Item order follows kustomize (kyaml): the patch's items first, in patch order, then the target's
// items the patch does not name.
function mergeList(current: Json[], patch: Json[], key: string): Json[] {
  const named = new Set<Json>();
  const merged: Json[] = [];
  for (const item of patch) {
    if (!isObject(item) || item[key] === undefined) {
      throw new Error(`strategic merge: list item without its merge key "${key}": ${JSON.stringify(item)}`);
    }
    named.add(item[key]!);
    const existing = current.find((candidate) => isObject(candidate) && candidate[key] === item[key]);
    if (item.$patch === 'delete') continue;
    merged.push(isObject(existing) ? strategicMerge(existing, item) : structuredClone(item));
  }
  return [...merged, ...current.filter((item) => !(isObject(item) && named.has(item[key]!)))];
}
