import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { KubernetesSchemas, SCHEMA_SOURCE } from './support/k8s-schemas.js';
import { type K8sObject, renderKustomization } from './support/kustomize.js';
import type { JsonObject } from './support/strategic-merge.js';

const K8S = join(import.meta.dirname, '..', 'k8s');
const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const TARGETS = ['base', 'overlays/dev', 'overlays/prod'] as const;

// biome-ignore lint/suspicious/noExplicitAny: tests walk rendered YAML by known paths.
type Any = any;

function find(objects: K8sObject[], kind: string, name = 'edgewise-server'): Any {
  const found = objects.find((obj) => obj.kind === kind && obj.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => o.kind).join(', ')}`);
  return found;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let schemas: KubernetesSchemas;
const rendered = new Map<string, K8sObject[]>();
beforeAll(() => {
  schemas = new KubernetesSchemas();
  for (const target of TARGETS) rendered.set(target, renderKustomization(join(K8S, target)));
});

describe.each(TARGETS)('kustomize %s', (target) => {
  it(`renders objects that are all valid against the Kubernetes OpenAPI schemas (${SCHEMA_SOURCE})`, () => {
    const objects = rendered.get(target)!;
    expect(objects.length).toBeGreaterThanOrEqual(4);
    expect(objects.flatMap((obj) => schemas.validate(obj))).toEqual([]);
  });

  it('runs three replicas with the requested resources, probes and graceful shutdown', () => {
    const deployment = find(rendered.get(target)!, 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    const pod = deployment.spec.template.spec;
    const server = pod.containers.find((c: Any) => c.name === 'server');
    expect(server.resources).toEqual({
      requests: { memory: '512Mi', cpu: '500m' },
      limits: { memory: '1Gi', cpu: '1000m' },
    });
    const http = server.ports.find((p: Any) => p.name === 'http');
    expect(server.args).toEqual(['--host', '0.0.0.0', '--port', String(http.containerPort)]);
    expect(server.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(server.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    // The kubelet sends SIGTERM only after preStop; both must fit in the grace period.
    const preStop = server.lifecycle.preStop.exec.command as string[];
    expect(preStop[0]).toBe('sleep');
    expect(Number(preStop[1])).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(preStop[1]) + 20);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
  });

  it('points the Service, autoscaler and disruption budget at the server pods', () => {
    const objects = rendered.get(target)!;
    const deployment = find(objects, 'Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    expect(matches(deployment.spec.selector.matchLabels, podLabels)).toBe(true);

    const service = find(objects, 'Service');
    expect(matches(service.spec.selector, podLabels)).toBe(true);
    expect(service.spec.ports[0].targetPort).toBe('http');

    const hpa = find(objects, 'HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'edgewise-server',
    });
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);

    const pdb = find(objects, 'PodDisruptionBudget');
    expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    // A budget equal to the replica count would block every node drain.
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  it('reads DATABASE_URL, ADMIN_TOKEN and WRITE_KEYS from a Secret that exists or the README creates', () => {
    const objects = rendered.get(target)!;
    const server = find(objects, 'Deployment').spec.template.spec.containers[0];
    const refs = server.env
      .filter((e: Any) => e.valueFrom?.secretKeyRef)
      .map((e: Any) => e.valueFrom.secretKeyRef);
    expect(refs.map((r: Any) => r.key).sort()).toEqual(['ADMIN_TOKEN', 'DATABASE_URL', 'WRITE_KEYS']);
    for (const ref of refs) {
      const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === ref.name) as Any;
      if (secret) {
        expect(Object.keys(secret.stringData)).toContain(ref.key);
      } else {
        expect(README).toMatch(new RegExp(`kubectl .*create secret generic ${ref.name}[^\\n]*`));
        expect(README).toContain(`--from-literal=${ref.key}=`);
      }
    }
  });

  it.skipIf(!kubectlAvailable())('renders exactly what `kubectl kustomize` renders', () => {
    const output = execFileSync('kubectl', ['kustomize', join(K8S, target)], { encoding: 'utf8' });
    const theirs = parseAllDocuments(output).map((doc) => doc.toJS() as K8sObject);
    const byId = (objects: K8sObject[]) =>
      Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`, o]));
    expect(byId(rendered.get(target)!)).toEqual(byId(theirs));
  });
});

describe('overlays', () => {
  it('dev brings its own Postgres that the server Secret points at', () => {
    const dev = rendered.get('overlays/dev')!;
    const statefulSet = find(dev, 'StatefulSet', 'postgres');
    const service = find(dev, 'Service', 'postgres');
    expect(matches(service.spec.selector, statefulSet.spec.template.metadata.labels)).toBe(true);
    const url = new URL(find(dev, 'Secret').stringData.DATABASE_URL);
    const credentials = find(dev, 'Secret', 'postgres').stringData;
    expect(url.hostname).toBe(service.metadata.name);
    expect(url.port).toBe(String(service.spec.ports[0].port));
    expect(decodeURIComponent(url.password)).toBe(credentials.POSTGRES_PASSWORD);
    expect(url.username).toBe(credentials.POSTGRES_USER);
    expect(url.pathname).toBe(`/${credentials.POSTGRES_DB}`);
  });

  it('prod pins a registry image, leaves the Secret out and terminates TLS at the Ingress', () => {
    const prod = rendered.get('overlays/prod')!;
    expect(find(prod, 'Deployment').spec.template.spec.containers[0].image).toBe(
      'registry.example.com/edgewise/server:0.1.0',
    );
    expect(prod.some((obj) => obj.kind === 'Secret')).toBe(false);
    expect(prod.every((obj) => obj.metadata.namespace === 'edgewise')).toBe(true);
    const ingress = find(prod, 'Ingress');
    expect(ingress.spec.tls[0].hosts).toEqual([ingress.spec.rules[0].host]);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({
      name: 'edgewise-server',
      port: { name: 'http' },
    });
  });
});

describe('schema validation catches mistakes', () => {
  function deployment(): Any {
    return structuredClone(find(renderKustomization(join(K8S, 'base')), 'Deployment'));
  }

  it('rejects a typo in a field name', () => {
    const bad = deployment();
    bad.spec.replica = 3;
    bad.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(schemas.validate(bad)).toEqual([
      { object: 'Deployment/edgewise-server', path: '/spec', message: 'unknown field "replica"' },
      {
        object: 'Deployment/edgewise-server',
        path: '/spec/template/spec/containers/0',
        message: 'unknown field "imagePullPolcy"',
      },
    ]);
  });

  it('rejects a value of the wrong type', () => {
    const bad = deployment();
    bad.spec.replicas = '3';
    expect(schemas.validate(bad)).toEqual([
      { object: 'Deployment/edgewise-server', path: '/spec/replicas', message: 'must be integer' },
    ]);
  });

  it('rejects a malformed resource quantity', () => {
    const bad = deployment();
    bad.spec.template.spec.containers[0].resources.limits.memory = '1 GiB';
    const problems = schemas.validate(bad);
    expect(problems.map((p) => p.path)).toContain('/spec/template/spec/containers/0/resources/limits/memory');
    expect(problems.map((p) => p.message)).toContain('must match format "quantity"');
  });

  it('rejects a missing required field and an unknown apiVersion', () => {
    const bad = deployment();
    delete bad.spec.template.spec.containers[0].name;
    expect(schemas.validate(bad)).toEqual([
      {
        object: 'Deployment/edgewise-server',
        path: '/spec/template/spec/containers/0',
        message: "must have required property 'name'",
      },
    ]);
    const unknown: JsonObject = { ...deployment(), apiVersion: 'apps/v2' };
    expect(schemas.validate(unknown)[0]?.message).toBe('no schema for apps/v2 Deployment');
  });
});
