// What the header says about the audit trail (auth.session's `audit`):
// nothing while it is written and nothing was ever lost; amber "Audit
// degraded" with the entries waiting while the disk refuses them (actions go
// on, security.auditFailure: accept); red "Audit down: actions refused"
// under `refuse`; and the count of lost entries, which stays until restart,
// so a gap in the trail is never silent.
import type { AuditStatus } from '../../../../shared/security';
import { formatCount } from '../../ui/format';

export interface AuditView {
  readonly state: 'degraded' | 'refusing' | 'lost';
  readonly symbol: string;
  readonly text: string;
  readonly title: string;
}

export function auditView(status: AuditStatus | undefined | null): AuditView | null {
  if (!status || (status.state === 'ok' && status.dropped === 0)) return null;
  const lost = status.dropped > 0 ? `${formatCount(status.dropped)} audit entr${status.dropped === 1 ? 'y' : 'ies'} lost` : '';
  if (status.state === 'ok') {
    return { state: 'lost', symbol: '▲', text: `Audit: ${lost}`, title: `The audit trail is written again; ${lost} while its queue was full (the trail records the gap).` };
  }
  const waiting = `${formatCount(status.pending)} waiting`;
  const facts = [status.problem ?? 'the audit trail cannot be written', `${waiting} to be written, in order`, lost].filter((line) => line !== '').join('\n');
  if (status.mode === 'refuse') {
    return { state: 'refusing', symbol: '✕', text: 'Audit down: actions refused', title: `${facts}\nActions are refused until the trail can be written (security.auditFailure: refuse).` };
  }
  return { state: 'degraded', symbol: '▲', text: `Audit degraded: ${waiting}${lost ? `, ${lost}` : ''}`, title: `${facts}\nActions go on; their entries wait (security.auditFailure: accept).` };
}
