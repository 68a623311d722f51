// The security file's state in the header, beside the historian's and the
// uplink's (see securityFileView.ts), and its line under the header.
import { useHmi } from '../../stores';
import { securityFileView } from './securityFileView';
import './securityFile.css';

export function SecurityFileMark() {
  const view = securityFileView(useHmi((s) => s.session));
  if (view === null) return null;
  return (
    <div className="header-mark security-file-status" data-testid="security-file-status" data-state={view.state} role="status" title={view.problem}>
      <span className="header-mark-symbol security-file-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.text}</span>
    </div>
  );
}

/** A line under the header while logins cannot be written: which file, and why. */
export function SecurityFileBanner() {
  const view = securityFileView(useHmi((s) => s.session));
  if (view === null) return null;
  return (
    <div className="historian-banner" data-state={view.state === 'read_only' ? 'degraded' : 'unavailable'} role="alert" data-testid="security-file-problem">
      <span className="banner-symbol historian-banner-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <strong>{view.text}:</strong>
      <span>{view.problem}</span>
    </div>
  );
}
