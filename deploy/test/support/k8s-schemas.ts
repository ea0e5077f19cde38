/**
 * Validates Kubernetes objects against the JSON schemas that the pinned `kubernetes-models` package
 * (4.3.1, generated from the OpenAPI spec of Kubernetes 1.27.1) ships, made strict the way
 * kubeconform's `-strict` is: an object with declared properties admits no others, so a typo'd field
 * fails instead of being dropped by the API server.
 *
 * 4.3.x is the last release whose `_schemas/*.js` hold the schemas as data (later ones ship compiled
 * validators); each module registers its schema and its dependencies' with a `register(id, schema)`
 * call, which we capture by evaluating the modules with our own `require`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Ajv, type ErrorObject, type Format, type ValidateFunction } from 'ajv';
import { isObject, type Json, type JsonObject } from './strategic-merge.js';

const require = createRequire(import.meta.url);
export const SCHEMA_SOURCE = 'kubernetes-models@4.3.1 (Kubernetes 1.27.1 OpenAPI)';

// Every format the package's schemas use (byte, date-time, double, int32, int64, quantity), checked
// the way the API server parses them.
const QUANTITY = /^[+-]?(?:\d+|\d+\.\d*|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const FORMATS: Record<string, Format> = {
  quantity: QUANTITY,
  int32: {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && Math.abs(value) <= 2 ** 31,
  },
  int64: { type: 'number', validate: (value: number) => Number.isInteger(value) },
  double: { type: 'number', validate: (value: number) => Number.isFinite(value) },
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i,
};

export interface SchemaProblem {
  object: string;
  path: string;
  message: string;
}

export class KubernetesSchemas {
  readonly #schemas = new Map<string, JsonObject>();
  readonly #modules = new Map<string, { exports: Record<string, unknown> }>();
  readonly #validators = new Map<string, ValidateFunction>();
  // Strict: a keyword or format this code does not know fails loudly instead of validating nothing.
  readonly #ajv = new Ajv({ allErrors: true, strict: true });

  constructor() {
    for (const [name, format] of Object.entries(FORMATS)) this.#ajv.addFormat(name, format);
  }

  /** The problems of one object against the schema of its apiVersion and kind; none when it is valid. */
  validate(obj: JsonObject): SchemaProblem[] {
    const label = `${String(obj.kind)}/${String(isObject(obj.metadata) ? obj.metadata.name : '?')}`;
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      return [{ object: label, path: '', message: 'apiVersion and kind must be strings' }];
    }
    const validator = this.#validator(schemaId(obj.apiVersion, obj.kind));
    if (!validator)
      return [{ object: label, path: '', message: `no schema for ${obj.apiVersion} ${obj.kind}` }];
    if (validator(obj)) return [];
    return describe(validator.errors ?? []).map((error) => ({ object: label, ...error }));
  }

  #validator(id: string): ValidateFunction | undefined {
    const cached = this.#validators.get(id);
    if (cached) return cached;
    const file = schemaFile(id);
    if (!file) return undefined;
    (this.#load(file).addSchema as () => void)();
    for (const [schemaIdKey, schema] of this.#schemas) {
      if (!this.#ajv.getSchema(schemaIdKey)) this.#ajv.addSchema(strict(schema) as object, schemaIdKey);
    }
    const validator = this.#ajv.getSchema(id);
    if (validator) this.#validators.set(id, validator);
    return validator;
  }

  /** Evaluates a CommonJS schema module, handing it a `register` that records its schema. */
  #load(file: string): Record<string, unknown> {
    const cached = this.#modules.get(file);
    if (cached) return cached.exports;
    const module = { exports: {} as Record<string, unknown> };
    this.#modules.set(file, module);
    const moduleRequire = createRequire(file);
    const localRequire = (specifier: string): unknown => {
      if (specifier === '@kubernetes-models/validate') {
        return { register: (id: string, schema: JsonObject) => this.#schemas.set(id, schema) };
      }
      return this.#load(moduleRequire.resolve(specifier));
    };
    const wrapper = runInThisContext(
      `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`,
      { filename: file },
    ) as (...args: unknown[]) => void;
    wrapper(module.exports, localRequire, module, file, dirname(file));
    return module.exports;
  }
}

/** `apps/v1` + `Deployment` → `io.k8s.api.apps.v1.Deployment`; the core group is `core`. */
export function schemaId(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return `io.k8s.api.${group!.replace(/\.k8s\.io$/, '')}.${version}.${kind}`;
}

function schemaFile(id: string): string | undefined {
  const name = id
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  // The package exports no `_schemas/` path; its own modules reach them by relative path too.
  const file = join(dirname(require.resolve('kubernetes-models/package.json')), '_schemas', `${name}.js`);
  return existsSync(file) ? file : undefined;
}

/** A copy of the schema where every object with declared properties rejects undeclared ones. */
function strict(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!isObject(schema)) return schema;
  const result: JsonObject = { ...schema };
  if (isObject(schema.properties)) {
    result.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, strict(v)]));
    if (schema.additionalProperties === undefined) result.additionalProperties = false;
  }
  for (const key of ['items', 'additionalProperties', 'oneOf', 'anyOf', 'allOf', 'not'] as const) {
    if (schema[key] !== undefined && typeof schema[key] !== 'boolean') result[key] = strict(schema[key]);
  }
  return result;
}

/**
 * Ajv reports every branch of the `oneOf: [{$ref}, {type: null}]` wrappers the schemas use for optional
 * fields; keep the errors that say what is wrong with the value itself.
 */
function describe(errors: ErrorObject[]): Omit<SchemaProblem, 'object'>[] {
  const useful = errors.filter(
    (error) => error.keyword !== 'oneOf' && !(error.keyword === 'type' && error.params.type === 'null'),
  );
  return (useful.length > 0 ? useful : errors).map((error) => ({
    path: error.instancePath || '/',
    message:
      error.keyword === 'additionalProperties'
        ? `unknown field "${String(error.params.additionalProperty)}"`
        : (error.message ?? error.keyword),
  }));
}
