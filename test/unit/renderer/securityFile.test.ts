// The header's mark for the security file: none while it can be written, the
// file and the cause while it cannot, and a pushed change of only that status
// reaches the store (a session otherwise the same is not ignored).
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../src/shared/security';
import { securityFileView } from '../../../src/renderer/src/features/auth/securityFileView';
import { useHmi } from '../../../src/renderer/src/stores';

const viewer = (securityFile?: SessionInfo['securityFile']): SessionInfo => ({
  user: null, role: 'viewer', permissions: ['read'], write: [], expiresAt: null, idleLogoutMinutes: 15, setupRequired: false, securityFile,
  audit: { state: 'ok', mode: 'accept', problem: null, pending: 0, dropped: 0 },
});
const READ_ONLY = { state: 'read_only' as const, file: '/data/security.db', problem: '/data/security.db is read-only (attempt to write a readonly database): logins … refused' };

describe('security file mark', () => {
  it('shows nothing while the file can be written, or from a runtime that does not say', () => {
    expect(securityFileView(null)).toBeNull();
    expect(securityFileView(viewer())).toBeNull();
    expect(securityFileView(viewer({ state: 'ok', file: '/data/security.db', problem: null }))).toBeNull();
  });

  it('names the file and the cause while read-only or unavailable', () => {
    expect(securityFileView(viewer(READ_ONLY))).toEqual({ state: 'read_only', symbol: '▲', text: 'Users read-only', problem: READ_ONLY.problem });
    expect(securityFileView(viewer({ state: 'unavailable', file: '/data/security.db', problem: null }))).toMatchObject({
      state: 'unavailable',
      problem: '/data/security.db cannot be written',
    });
  });

  it('takes a session that differs only in the security file', () => {
    useHmi.getState().setSession(viewer(READ_ONLY));
    expect(useHmi.getState().session?.securityFile?.state).toBe('read_only');
    useHmi.getState().setSession(viewer({ state: 'ok', file: '/data/security.db', problem: null }));
    expect(useHmi.getState().session?.securityFile?.state).toBe('ok');
  });
});
