// The audit trail's state in the header, beside the historian's and the
// uplink's: shown only when it is not plainly ok (see auditView.ts).
import { useHmi } from '../../stores';
import { auditView } from './auditView';

export function AuditStatusMark() {
  const audit = useHmi((s) => s.session?.audit);
  const view = auditView(audit);
  if (view === null) return null;
  return (
    <div className="header-mark audit-status" data-testid="audit-status" data-state={view.state} role="status" title={view.title}>
      <span className="header-mark-symbol audit-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.text}</span>
    </div>
  );
}
