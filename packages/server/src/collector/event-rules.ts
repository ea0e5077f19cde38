import { checkModelSummary } from '@edgewise/protocol';
import type { ExperimentDefinition, ExperimentRecord } from '../storage/records.js';
import type { WireEvent } from './event-schema.js';

/**
 * The checks the JSON Schema cannot make: the event must name a served experiment and one of its
 * arms, its numbers must be ones the aggregates can hold, its text must be storable everywhere, and
 * its time must be near the server's. The write key ships in every page, so anyone can post; what
 * passes here is what the results and the bandit policy are computed from.
 */

/** |value| bound when the experiment declares no reward range: far above any real metric, far below overflow. */
export const DEFAULT_MAX_ABS_VALUE = 1e6;
/** One hour: a latency beyond it is a stuck timer, not a measurement. */
export const MAX_LATENCY_MS = 3_600_000;
/** Events older than this are late beyond any offline queue the SDK keeps (it expires them sooner). */
export const MAX_EVENT_AGE_MS = 30 * 24 * 3_600_000;
/** Clock skew allowed into the future: a device whose clock runs a day fast is still believed. */
export const MAX_EVENT_LEAD_MS = 24 * 3_600_000;

/** Why one event of a batch was not stored. Resending it cannot help: the client must drop it. */
export interface EventRejection {
  index: number;
  id: string;
  /** The field at fault, as `events[i].<name>`. */
  field: string;
  reason: string;
}

// C0 controls (NUL included: Postgres refuses it in text), DEL and C1 controls, and UTF-16 halves
// without their partner (not encodable as UTF-8, so Postgres and most tools refuse them too).
function unsafeText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++; // a valid pair
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

const TEXT_FIELDS = [
  'userId',
  'experiment',
  'arm',
  'modelVersion',
  'variant',
  'reason',
  'code',
  'policyVersion',
] as const;

/** The fields the rules read; a wire event and a stored record both have them (absent as null there). */
export interface CheckedEvent {
  userId: string;
  experiment: string;
  arm: string;
  modelVersion: string;
  variant?: string | null;
  reason?: string | null;
  code?: string | null;
  policyVersion?: string | number | null;
  latencyMs?: number | null;
  value?: number | null;
}

/** The first rule the event breaks as `[field, reason]`, or undefined when it may be stored. */
export function checkEvent(
  e: CheckedEvent & Pick<WireEvent, 'policyVersion' | 'type' | 'summary'>,
  ts: number,
  experiments: ReadonlyMap<string, ExperimentRecord>,
  now: number,
): [field: string, reason: string] | undefined {
  if (ts < now - MAX_EVENT_AGE_MS)
    return ['ts', `ts is more than 30 days before the server's time; events that old are not accepted`];
  if (ts > now + MAX_EVENT_LEAD_MS)
    return ['ts', `ts is more than 1 day after the server's time; check the device clock`];
  // A summary's sketches are merged into summary_days, not kept in the event row, so they are checked
  // here, on arrival, rather than by the content rules a rebuild re-applies to stored rows.
  if (e.type === 'summary') {
    const broken = checkModelSummary(e.summary);
    if (broken)
      return [
        broken[0] ? `summary.${broken[0]}` : 'summary',
        `summary${broken[0] ? `.${broken[0]}` : ''} ${broken[1]}`,
      ];
  }
  return checkContent(e, experiments);
}

/**
 * The rules that do not depend on when the event arrives: what `rebuild-aggregates` holds stored
 * events to, so events accepted before a rule existed (or under an older definition) can be set aside.
 */
export function checkContent(
  e: CheckedEvent,
  experiments: ReadonlyMap<string, ExperimentRecord>,
): [field: string, reason: string] | undefined {
  for (const field of TEXT_FIELDS) {
    const value = e[field];
    if (typeof value === 'string' && unsafeText(value))
      return [
        field,
        `${field} contains a control character or an unpaired UTF-16 surrogate; send plain text`,
      ];
  }
  if (typeof e.policyVersion === 'number' && !Number.isFinite(e.policyVersion))
    return ['policyVersion', 'policyVersion must be a finite number or a string'];
  // One bound for prediction latency and model load time (a `load` event's latencyMs) alike.
  if (e.latencyMs != null && !(e.latencyMs <= MAX_LATENCY_MS))
    return ['latencyMs', `latencyMs must be at most ${MAX_LATENCY_MS} (one hour)`];
  const experiment = experiments.get(e.experiment);
  if (!experiment)
    return [
      'experiment',
      `experiment "${e.experiment}" is not served by this server; define it (POST /v1/experiments) before sending its events`,
    ];
  const arm = experiment.arms.find((a) => a.name === e.arm);
  if (!arm)
    return [
      'arm',
      `experiment "${e.experiment}" has no arm "${e.arm}"; its arms are ${experiment.arms.map((a) => a.name).join(', ')}`,
    ];
  if (e.variant != null && arm.variant !== undefined && e.variant !== arm.variant)
    return ['variant', `arm "${arm.name}" runs variant "${arm.variant}", not "${e.variant}"`];
  if (e.value != null) {
    if (experiment.reward && 'binary' in experiment.reward) {
      if (e.value !== 0 && e.value !== 1)
        return ['value', `experiment "${e.experiment}" has a binary reward: value must be 0 or 1`];
    } else {
      const [min, max] = rewardRange(experiment);
      if (!Number.isFinite(e.value) || e.value < min || e.value > max)
        return [
          'value',
          `value must be a finite number in [${min}, ${max}] for experiment "${e.experiment}"`,
        ];
    }
  }
  return undefined;
}

/** The experiment's declared reward range ([0, 1] for a binary one), else ±{@link DEFAULT_MAX_ABS_VALUE}. */
export function rewardRange(experiment: ExperimentDefinition): [number, number] {
  const declared = experiment.reward;
  if (!declared) return [-DEFAULT_MAX_ABS_VALUE, DEFAULT_MAX_ABS_VALUE];
  return 'binary' in declared ? [0, 1] : [declared.min, declared.max];
}
