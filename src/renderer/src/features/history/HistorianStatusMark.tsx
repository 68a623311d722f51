// The historian's state in the header: a symbol and a word, grey while it
// records normally (or is read-only, serving a file for review), amber when degraded, red
// when unavailable, with the problem on hover and, when it is not ok, in a
// line across the screen under the header. And the review badge: reviewing a
// historian file offline, nothing is live.
import { useShallow } from 'zustand/react/shallow';
import type { HistorianStatus } from '../../../../shared/types';
import { useHmi } from '../../stores';
import { formatCount } from '../../ui/format';

type ShownState = HistorianStatus['state'] | 'unknown';

interface StatusView {
  readonly state: ShownState;
  readonly symbol: string;
  readonly text: string;
  /** Why it is not ok, for the tooltip and the banner. */
  readonly problem: string | null;
  readonly title: string;
}

function viewOf(status: HistorianStatus | null, error: string | null): StatusView {
  if (error !== null) {
    return { state: 'unavailable', symbol: '✕', text: 'Historian unavailable', problem: error, title: error };
  }
  if (status === null) return { state: 'unknown', symbol: '◌', text: 'Historian', problem: null, title: 'Asking the historian…' };
  const facts = [
    status.file ?? 'no file',
    `${formatCount(status.samplesStored)} samples, ${formatCount(status.tags)} tags`,
    `${(status.fileBytes / 1_048_576).toFixed(1)} MB`,
    status.pending > 0 ? `${formatCount(status.pending)} waiting to be written` : '',
    status.dropped > 0 ? `${formatCount(status.dropped)} lost` : '',
  ]
    .filter((line) => line !== '')
    .join('\n');
  const title = status.problem ? `${status.problem}\n${facts}` : facts;
  switch (status.state) {
    case 'ok':
      return { state: 'ok', symbol: '●', text: 'Historian', problem: null, title };
    case 'read_only':
      // Expected when reviewing a file; otherwise say why, but it is not an alarm colour.
      return {
        state: 'read_only',
        symbol: '◆',
        text: 'Historian read-only',
        problem: status.reviewOnly ? null : status.problem,
        title,
      };
    case 'degraded':
      return { state: 'degraded', symbol: '▲', text: 'Historian degraded', problem: status.problem ?? 'degraded', title };
    case 'unavailable':
      return { state: 'unavailable', symbol: '✕', text: 'Historian unavailable', problem: status.problem ?? 'unavailable', title };
  }
}

function useHistorianView(): StatusView {
  const { status, error } = useHmi(useShallow((s) => ({ status: s.historian, error: s.historianError })));
  return viewOf(status, error);
}

export function HistorianStatusMark() {
  const view = useHistorianView();
  return (
    <div
      className="header-mark historian-status"
      data-testid="historian-status"
      data-state={view.state}
      role="status"
      title={view.title}
    >
      <span className="header-mark-symbol historian-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <span>{view.text}</span>
    </div>
  );
}

/** A line under the header while the historian is not ok: what is wrong, in words. */
export function HistorianBanner() {
  const view = useHistorianView();
  if (view.problem === null) return null;
  return (
    <div className="historian-banner" data-state={view.state} role="alert" data-testid="historian-problem">
      <span className="banner-symbol historian-banner-symbol" aria-hidden="true">
        {view.symbol}
      </span>
      <strong>{view.text}:</strong>
      <span>{view.problem}</span>
    </div>
  );
}

export function ReviewBadge() {
  const { review, file } = useHmi(
    useShallow((s) => ({ review: s.historian?.reviewOnly === true, file: s.historian?.file ?? null })),
  );
  if (!review) return null;
  const name = file === null ? 'a historian file' : file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return (
    <div className="review-badge" data-testid="review-banner" title={file ?? undefined}>
      Reviewing <span className="mono">{name}</span> — read-only
    </div>
  );
}
