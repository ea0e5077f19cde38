import events from '@edgewise/protocol/vectors/events.json' with { type: 'json' };
import experiments from '@edgewise/protocol/vectors/experiments.json' with { type: 'json' };
import manifests from '@edgewise/protocol/vectors/manifests.json' with { type: 'json' };
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  eventBatchSchema,
  eventSchema,
  eventTimestamp,
  experimentConfigSchema,
  experimentDefinitionSchema,
  modelManifestSchema,
} from '../src/index.js';

// Ajv's defaults refuse unknown keywords, so a typo in a schema fails here.
const ajv = new Ajv({ allErrors: false });

/** `/models/iris/versions/1.0.0/inputs/0` → `models.iris.versions.1.0.0.inputs[0]`. */
function fieldOf(error: ErrorObject | undefined): string {
  const parts = (error?.instancePath ?? '').split('/').filter(Boolean);
  if (error?.keyword === 'required') parts.push(String(error.params.missingProperty));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

describe('events.json', () => {
  const validate = ajv.compile(eventSchema);
  // The one rule outside JSON Schema: a ts string must be a real date in range.
  const accepts = (e: Record<string, unknown>) =>
    validate(e) && eventTimestamp(e.ts as number | string) !== undefined;

  it.each(events.valid.map((c) => [c.name, c.event] as const))('accepts %s', (_name, event) => {
    expect(accepts(event)).toBe(true);
  });

  it.each(events.invalid.map((c) => [c.name, c.event, c.field] as const))(
    'refuses %s',
    (_name, event, field) => {
      expect(accepts(event)).toBe(false);
      if (validate.errors) expect(fieldOf(validate.errors[0])).toBe(field);
      else expect(field).toBe('ts');
    },
  );

  it('caps a batch at 500 events and allows nothing beside `events`', () => {
    const batch = ajv.compile(eventBatchSchema);
    const one = events.valid[0]!.event;
    expect(batch({ events: Array(500).fill(one) })).toBe(true);
    expect(batch({ events: Array(501).fill(one) })).toBe(false);
    expect(batch({ events: [] })).toBe(false);
    expect(batch({ events: [one], extra: 1 })).toBe(false);
  });
});

describe('experiments.json', () => {
  const served = ajv.compile(experimentConfigSchema);
  const admin = ajv.compile(experimentDefinitionSchema);

  it.each(experiments.valid.map((c) => [c.name, c] as const))('serves %s', (_name, c) => {
    expect(served(c.config)).toBe(true);
    expect(admin(c.config)).toBe(!('adminRefuses' in c));
    if ('adminRefuses' in c) expect(admin.errors?.[0]?.params.additionalProperty).toBe(c.adminRefuses);
  });

  it.each(experiments.invalid.map((c) => [c.name, c] as const))('refuses %s', (_name, c) => {
    // Rules beyond the schema are checked by each reader's code; the schema must let them through.
    const beyond = 'beyondSchema' in c && c.beyondSchema;
    expect(served(c.config)).toBe(Boolean(beyond));
    if (!beyond) expect(fieldOf(served.errors?.[0])).toBe(c.field);
    if (!beyond) expect(admin(c.config)).toBe('servedOnly' in c);
  });
});

describe('manifests.json', () => {
  const validate = ajv.compile(modelManifestSchema);

  it.each(manifests.valid.map((c) => [c.name, c.manifest] as const))('accepts %s', (_name, manifest) => {
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(manifests.invalid.map((c) => [c.name, c.manifest, c.field] as const))(
    'refuses %s',
    (_name, manifest, field) => {
      expect(validate(manifest)).toBe(false);
      expect(fieldOf(validate.errors?.[0])).toBe(field);
    },
  );
});
