// The audit trail's mark in the header: silent while the trail is written,
// amber while entries wait (accept), red while actions are refused (refuse),
// and a count of lost entries that does not go away by itself.
import { describe, expect, it } from 'vitest';
import { auditView } from '../../../src/renderer/src/features/auth/auditView';
import type { AuditStatus } from '../../../src/shared/security';

const ok: AuditStatus = { state: 'ok', mode: 'accept', problem: null, pending: 0, dropped: 0 };
const full = 'the disk is full (or security.db reached its size cap): the audit trail waits in memory until space is free';

describe('the audit mark', () => {
  it('is absent while the trail is written (and from a runtime that does not say)', () => {
    expect(auditView(ok)).toBeNull();
    expect(auditView(undefined)).toBeNull();
  });

  it('says the trail is degraded and how many entries wait, with the problem on hover', () => {
    const view = auditView({ ...ok, state: 'degraded', problem: full, pending: 1234 })!;
    expect(view).toMatchObject({ state: 'degraded', symbol: '▲', text: 'Audit degraded: 1,234 waiting' });
    expect(view.title).toContain(full);
    expect(view.title).toContain('Actions go on');
  });

  it('says actions are refused under auditFailure: refuse', () => {
    expect(auditView({ ...ok, mode: 'refuse', state: 'degraded', problem: full, pending: 1 })).toMatchObject({ state: 'refusing', text: 'Audit down: actions refused' });
  });

  it('keeps showing lost entries after the trail is written again', () => {
    expect(auditView({ ...ok, state: 'degraded', problem: full, pending: 3, dropped: 2 })!.text).toBe('Audit degraded: 3 waiting, 2 audit entries lost');
    expect(auditView({ ...ok, dropped: 1 })).toMatchObject({ state: 'lost', text: 'Audit: 1 audit entry lost' });
  });
});
