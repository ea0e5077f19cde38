import experiments from '@edgewise/protocol/vectors/experiments.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { EdgewiseError } from '../../src/errors.js';
import { validateExperiment } from '../../src/experiments/experiment-config.js';

// The served-config vectors the server's tests also run: validateExperiment must take exactly the
// valid ones (coverage, sticky and arm variants included) and refuse the rest, naming the field.

describe('validateExperiment on the shared vectors', () => {
  it.each(experiments.valid.map((c) => [c.name, c.config] as const))('accepts %s', (_name, config) => {
    expect(validateExperiment(config)).toBe(config);
  });

  it.each(experiments.invalid.map((c) => [c.name, c.config, c.field] as const))(
    'refuses %s',
    (_name, config, field) => {
      let error: unknown;
      try {
        validateExperiment(config);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdgewiseError);
      expect((error as EdgewiseError).code).toBe('CONFIG');
      expect((error as EdgewiseError).message).toContain(field);
    },
  );
});
