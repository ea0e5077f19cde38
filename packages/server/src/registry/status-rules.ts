import { ServerError } from '../errors.js';
import type { VersionStatus } from '../storage/records.js';

const NEXT: Record<VersionStatus, VersionStatus[]> = {
  candidate: ['approved', 'retired'],
  approved: ['retired'],
  retired: [],
};

/** Versions only move forward: candidate → approved → retired (a candidate may also be retired). */
export function checkTransition(label: string, from: VersionStatus, to: VersionStatus): void {
  if (from === to) return;
  if (!NEXT[from].includes(to)) {
    throw new ServerError(
      'CONFLICT',
      `${label} is ${from} and cannot become ${to}: statuses go candidate → approved → retired; publish a new version instead`,
    );
  }
}

/** A channel may name any live version, and `stable` only an approved one. */
export function checkChannelTarget(label: string, channel: string, status: VersionStatus): void {
  if (status === 'retired') {
    throw new ServerError('CONFLICT', `${label} is retired; point channel "${channel}" at a live version`);
  }
  if (channel === 'stable' && status !== 'approved') {
    throw new ServerError('CONFLICT', `${label} is ${status}; approve it before putting it on "stable"`);
  }
}
