import { checkModelSummary, DEVICE_CLASSES, isDeviceClass } from '@edgewise/protocol';
import { EdgewiseError } from '../errors.js';

// Hand-written rather than compiled from @edgewise/protocol's eventSchema, to keep Ajv and the
// schema out of the main-thread bundle; packages/sdk/test/events/protocol-vectors.test.ts holds
// this to the same answers as the collector on every shared vector.

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T/;
const TYPES = new Set([
  'exposure',
  'prediction',
  'reward',
  'ineligible',
  'load',
  'fallback',
  'crash',
  'device-lost',
  'integrity',
  'error',
  'summary',
]);
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

function invalid(field: string, problem: string): never {
  // One bad event would make the collector reject its whole batch, and a retry would fail the same
  // way forever, so it is refused before it is queued.
  throw new EdgewiseError('CONFIG', `event not queued: ${field} ${problem}.`, { details: { field } });
}

function text(e: Record<string, unknown>, field: string, max: number, optional = false): void {
  const v = e[field];
  if (optional && v === undefined) return;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    invalid(field, `must be a string of 1 to ${max} characters, got ${JSON.stringify(v)?.slice(0, 40)}`);
  }
}

function uuid(e: Record<string, unknown>, field: string, optional = false): void {
  const v = e[field];
  if (optional && v === undefined) return;
  if (typeof v !== 'string' || !UUID.test(v)) invalid(field, `must be a uuid, got ${JSON.stringify(v)}`);
}

function finite(e: Record<string, unknown>, field: string, min = -Infinity): void {
  const v = e[field];
  if (v === undefined) return;
  if (!(typeof v === 'number' && Number.isFinite(v) && v >= min)) {
    invalid(field, `must be a finite number${min > -Infinity ? ` >= ${min}` : ''}, got ${String(v)}`);
  }
}

function timestamp(ts: unknown): number | undefined {
  if (typeof ts === 'string' && (ts.length < 10 || ts.length > 40 || !ISO_PREFIX.test(ts))) return undefined;
  const ms = typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
  return Number.isFinite(ms) && ms >= MIN_TS && ms <= MAX_TS ? ms : undefined;
}

/**
 * Throws CONFIG, naming the field in `details.field`, for an event the collector would reject
 * (the protocol's event format); unknown extra properties pass, as the collector ignores them.
 */
export function checkEvent(value: unknown): void {
  if (typeof value !== 'object' || value === null) invalid('event', 'must be an object');
  const e = value as Record<string, unknown>;
  uuid(e, 'id');
  if (!TYPES.has(e.type as string)) {
    invalid(
      'type',
      `must be exposure, prediction, reward, ineligible or a health type (${[...TYPES].slice(4).join(', ')}), got ${JSON.stringify(e.type)}`,
    );
  }
  text(e, 'userId', 256);
  text(e, 'experiment', 128);
  text(e, 'arm', 128);
  const p = e.probability;
  // Never 0: an arm logged with propensity 0 was never chosen, and IPS estimates divide by it.
  if (!(typeof p === 'number' && p > 0 && p <= 1))
    invalid('probability', `must be in (0, 1], got ${String(p)}`);
  text(e, 'modelVersion', 128);
  if (e.type === 'reward' && e.value === undefined) invalid('value', 'is required on a reward');
  finite(e, 'value');
  finite(e, 'latencyMs', 0);
  if (timestamp(e.ts) === undefined) {
    invalid(
      'ts',
      `must be epoch ms or an ISO 8601 date-time between 2000 and 2100, got ${JSON.stringify(e.ts)}`,
    );
  }
  text(e, 'variant', 128, true);
  const pv = e.policyVersion;
  if (
    pv !== undefined &&
    !(
      (typeof pv === 'number' && Number.isFinite(pv)) ||
      (typeof pv === 'string' && pv.length > 0 && pv.length <= 128)
    )
  ) {
    invalid(
      'policyVersion',
      `must be a number or a string of 1 to 128 characters, got ${JSON.stringify(pv)}`,
    );
  }
  uuid(e, 'exposureId', true);
  text(e, 'reason', 512, e.type !== 'ineligible');
  if (e.type === 'load' && e.latencyMs === undefined) invalid('latencyMs', 'is required on a load event');
  if (e.code !== undefined || e.type === 'error') {
    if (typeof e.code !== 'string' || !CODE.test(e.code))
      invalid('code', `must be an error code such as "INFERENCE", got ${JSON.stringify(e.code)}`);
  }
  const rate = e.sampleRate;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && rate <= 1))
    invalid('sampleRate', `must be in (0, 1], got ${String(rate)}`);
  if (e.type === 'summary' || e.summary !== undefined) {
    const broken = checkModelSummary(e.summary);
    if (broken) invalid(`summary${broken[0] ? `.${broken[0]}` : ''}`, broken[1]);
  }
  if (e.context !== undefined && !isDeviceClass(e.context))
    invalid(
      'context',
      `must be a device class (${DEVICE_CLASSES.join(', ')}), got ${JSON.stringify(e.context)}`,
    );
}
