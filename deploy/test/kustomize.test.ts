import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderKustomization } from './support/kustomize.js';
import { type JsonObject, strategicMerge } from './support/strategic-merge.js';

describe('strategicMerge', () => {
  it('merges maps, deletes keys patched to null and replaces lists without a merge key', () => {
    const target = { spec: { replicas: 3, paused: false, args: ['a', 'b'], labels: { x: '1' } } };
    const patch = { spec: { paused: null, args: ['c'], labels: { y: '2' } } };
    expect(strategicMerge(target, patch)).toEqual({
      spec: { replicas: 3, args: ['c'], labels: { x: '1', y: '2' } },
    });
  });

  it('merges keyed lists item by item, patch items first, and deletes with $patch', () => {
    const target = {
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
        { name: 'C', value: '3' },
      ],
    };
    const patch: JsonObject = {
      env: [
        { name: 'C', value: 'three' },
        { name: 'D', value: '4' },
        { name: 'A', $patch: 'delete' },
      ],
    };
    expect(strategicMerge(target, patch)).toEqual({
      env: [
        { name: 'C', value: 'three' },
        { name: 'D', value: '4' },
        { name: 'B', value: '2' },
      ],
    });
  });

  it('refuses a keyed list item without its key', () => {
    expect(() => strategicMerge({ containers: [{ name: 'a' }] }, { containers: [{ image: 'x' }] })).toThrow(
      /merge key "name"/,
    );
  });
});

describe('renderKustomization', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'ew-kustomize-'));
    made.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  template:
    spec:
      containers: [{name: web, image: "example/web:1.0"}, {name: side, image: "other/side:2"}]
`;

  it('applies namespace, labels, replicas and images, leaving cluster-scoped objects unnamespaced', () => {
    const dir = project({
      'kustomization.yaml': `resources: [app.yaml]
namespace: team
labels: [{pairs: {tier: web}}]
replicas: [{name: web, count: 4}]
images: [{name: example/web, newName: registry.local/web, newTag: "2.0"}]
`,
      'app.yaml': `${deployment}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n`,
    });
    // biome-ignore lint/suspicious/noExplicitAny: reading rendered YAML by known paths.
    const [web, namespace] = renderKustomization(dir) as any[];
    expect(web.metadata).toEqual({ name: 'web', namespace: 'team', labels: { tier: 'web' } });
    expect(web.spec.replicas).toBe(4);
    expect(web.spec.template.spec.containers.map((c: { image: string }) => c.image)).toEqual([
      'registry.local/web:2.0',
      'other/side:2',
    ]);
    expect(namespace.metadata).toEqual({ name: 'team', labels: { tier: 'web' } });
  });

  it('refuses kustomization fields it does not implement instead of ignoring them', () => {
    const dir = project({
      'kustomization.yaml': 'resources: [app.yaml]\nnamePrefix: dev-\n',
      'app.yaml': deployment,
    });
    expect(() => renderKustomization(dir)).toThrow(/does not implement: namePrefix/);
  });

  it('refuses a patch that matches no resource', () => {
    const dir = project({
      'kustomization.yaml': 'resources: [app.yaml]\npatches: [{path: patch.yaml}]\n',
      'app.yaml': deployment,
      'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec: {replicas: 2}\n',
    });
    expect(() => renderKustomization(dir)).toThrow(/matches no resource Deployment\/api/);
  });
});
