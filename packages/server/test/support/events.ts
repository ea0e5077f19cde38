import { randomUUID } from 'node:crypto';
import type { EventRecord } from '../../src/storage/records.js';

/** A valid event as the SDK would send it (wire format: ts as ISO string). */
export function wireEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    type: 'exposure',
    userId: 'user-1',
    experiment: 'exp',
    arm: 'control',
    probability: 0.5,
    modelVersion: '1.0.0',
    ts: new Date('2026-11-25T12:00:00Z').toISOString(),
    ...overrides,
  };
}

/** The same event as the store sees it. */
export function storedEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    id: randomUUID(),
    type: 'exposure',
    userId: 'user-1',
    experiment: 'exp',
    arm: 'control',
    probability: 0.5,
    modelVersion: '1.0.0',
    value: null,
    latencyMs: null,
    ts: Date.parse('2026-11-25T12:00:00Z'),
    variant: null,
    policyVersion: null,
    exposureId: null,
    reason: null,
    code: null,
    sampleRate: null,
    ...overrides,
  };
}
