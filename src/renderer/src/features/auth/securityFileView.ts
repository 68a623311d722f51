// How the header shows the security file (users and the audit trail): nothing
// while it can be written (the usual case needs no mark), amber while it is
// read-only (the plant is viewable, logins are refused), red while it cannot
// even be read. The problem, which names the file and the cause, on hover
// and in the banner under the header.
import type { SessionInfo } from '../../../../shared/security';

export interface SecurityFileView {
  readonly state: 'read_only' | 'unavailable';
  readonly symbol: string;
  readonly text: string;
  readonly problem: string;
}

export function securityFileView(session: SessionInfo | null): SecurityFileView | null {
  const status = session?.securityFile;
  if (!status || status.state === 'ok') return null;
  const problem = status.problem ?? `${status.file ?? 'the security file'} cannot be written`;
  return status.state === 'read_only'
    ? { state: 'read_only', symbol: '▲', text: 'Users read-only', problem }
    : { state: 'unavailable', symbol: '✕', text: 'Users unavailable', problem };
}
