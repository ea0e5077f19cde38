/**
 * Renders a kustomization the way `kustomize build` / `kubectl kustomize` does, for the subset of
 * fields deploy/k8s uses. Anything outside that subset throws instead of being silently ignored,
 * so a manifest change that needs more of kustomize fails the tests rather than misrenders.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { isObject, type Json, type JsonObject, strategicMerge } from './strategic-merge.js';

export interface K8sObject extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string; labels?: Record<string, string> };
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; target?: unknown; patch?: string }[];
}

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'resources',
  'namespace',
  'labels',
  'images',
  'replicas',
  'patches',
]);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'StorageClass',
  'PersistentVolume',
]);
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Parses every YAML document of a file into objects, skipping empty documents. */
export function readObjects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

export function renderKustomization(dir: string): K8sObject[] {
  const kustomization = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) {
    throw new Error(
      `${dir}: kustomization fields this renderer does not implement: ${unsupported.join(', ')}`,
    );
  }

  let objects: K8sObject[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = resolve(dir, entry);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  assertUniqueIds(dir, objects);

  // The order of kustomize's builtin transformers: patches, namespace, labels, replicas, images.
  for (const patch of kustomization.patches ?? []) {
    if (!patch.path || patch.target || patch.patch) {
      throw new Error(`${dir}: only file patches without a target are implemented`);
    }
    objects = applyPatchFile(objects, resolve(dir, patch.path));
  }
  if (kustomization.namespace) {
    const namespace = kustomization.namespace;
    objects = objects.map((obj) =>
      CLUSTER_SCOPED.has(obj.kind) ? obj : { ...obj, metadata: { ...obj.metadata, namespace } },
    );
  }
  for (const { pairs, includeSelectors, includeTemplates } of kustomization.labels ?? []) {
    if (includeSelectors || includeTemplates)
      throw new Error(`${dir}: labels only on metadata are implemented`);
    objects = objects.map((obj) => ({
      ...obj,
      metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...pairs } },
    }));
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const matched = objects.filter((obj) => SCALABLE.has(obj.kind) && obj.metadata.name === name);
    if (matched.length === 0) throw new Error(`${dir}: replicas names no workload "${name}"`);
    for (const obj of matched) (obj.spec as JsonObject).replicas = count;
  }
  for (const image of kustomization.images ?? []) {
    for (const obj of objects) setImage(obj, image);
  }
  return objects;
}

function applyPatchFile(objects: K8sObject[], file: string): K8sObject[] {
  let result = objects;
  for (const patch of readObjects(file)) {
    const index = result.findIndex((obj) => sameTarget(obj, patch));
    if (index < 0) throw new Error(`${file}: patch matches no resource ${patch.kind}/${patch.metadata.name}`);
    result =
      patch.$patch === 'delete'
        ? result.filter((_, i) => i !== index)
        : result.map((obj, i) => (i === index ? (strategicMerge(obj, patch) as K8sObject) : obj));
  }
  return result;
}

function sameTarget(obj: K8sObject, patch: K8sObject): boolean {
  return (
    obj.kind === patch.kind &&
    obj.apiVersion === patch.apiVersion &&
    obj.metadata.name === patch.metadata.name &&
    (patch.metadata.namespace === undefined || obj.metadata.namespace === patch.metadata.namespace)
  );
}

/** Rewrites `image:` of every container whose image name (without tag or digest) matches. */
function setImage(node: Json, image: NonNullable<Kustomization['images']>[number]): void {
  if (Array.isArray(node)) {
    for (const item of node) setImage(item, image);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) {
        if (isObject(container) && typeof container.image === 'string') {
          container.image = retag(container.image, image);
        }
      }
    }
    setImage(value, image);
  }
}

function retag(current: string, image: NonNullable<Kustomization['images']>[number]): string {
  const match = /^(?<name>[^@]+?)(?::(?<tag>[^:/@]+))?(?:@(?<digest>.+))?$/.exec(current);
  if (!match?.groups || match.groups.name !== image.name) return current;
  const name = image.newName ?? match.groups.name;
  if (image.digest) return `${name}@${image.digest}`;
  const tag = image.newTag ?? match.groups.tag;
  const digest = match.groups.digest;
  return `${name}${tag ? `:${tag}` : ''}${!image.newTag && digest ? `@${digest}` : ''}`;
}

function assertUniqueIds(dir: string, objects: K8sObject[]): void {
  const seen = new Set<string>();
  for (const obj of objects) {
    const id = `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (seen.has(id)) throw new Error(`${dir}: ${id} is defined twice`);
    seen.add(id);
  }
}
