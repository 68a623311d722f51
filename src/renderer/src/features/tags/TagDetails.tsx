// The strip under the table: the selected tag's live value in large type,
// with what an engineer needs to find it in the field.
import { useHmi, writeGate } from '../../stores';
import { formatTime, formatValue } from '../../ui/format';
import { QualityMark } from '../../ui/QualityMark';
import { codeText } from '../../ui/quality';
import { Ne107Cell } from './Ne107Cell';
import { useLiveValue } from './useLiveValue';

export function TagDetails() {
  const tag = useHmi((s) => (s.selectedPath === null ? undefined : s.byPath.get(s.selectedPath)));
  const openWrite = useHmi((s) => s.openWrite);
  const denied = useHmi((s) => (tag?.writable ? writeGate(s.session, tag.path) : null));
  const live = useLiveValue(tag?.path ?? null);
  if (!tag) {
    return (
      <section className="tag-details tag-details-empty" aria-label="Selected tag">
        Select a tag to see its details. ↑/↓ select · Enter writes · / searches
      </section>
    );
  }
  const value = live ?? tag;
  return (
    <section className="tag-details" aria-label="Selected tag" data-testid="tag-details">
      <div className="details-main">
        <div className="details-path mono">{tag.path}</div>
        <div className="details-description">{tag.description || <span className="muted">No description</span>}</div>
      </div>
      <div className="details-value">
        <span className="value-large" data-quality={value.quality.status}>
          {formatValue(value.value, tag.dataType)}
        </span>
        {tag.units && typeof value.value !== 'boolean' && <span className="units">{tag.units}</span>}
      </div>
      <dl className="details-facts">
        <dt>Quality</dt>
        <dd>
          <QualityMark quality={value.quality} />
        </dd>
        <dt>NE107</dt>
        <dd>
          <Ne107Cell path={tag.path} wide />
        </dd>
        {value.quality.code && (
          <>
            <dt>Device code</dt>
            <dd className="mono" data-testid="details-code">
              {codeText(value.quality)}
            </dd>
          </>
        )}
        <dt>Time</dt>
        <dd className="num">{formatTime(value.ts)}</dd>
        {value.serverTs !== undefined && (
          <>
            <dt>Server time</dt>
            <dd className="num">{formatTime(value.serverTs)}</dd>
          </>
        )}
        <dt>Source</dt>
        <dd className="mono">
          {tag.device} · {tag.address}
        </dd>
        <dt>Type</dt>
        <dd className="mono">
          {tag.dataType} · {tag.writable ? 'read/write' : 'read only'}
        </dd>
      </dl>
      <div className="details-actions">
        {tag.writable && (
          <button
            type="button"
            className="btn"
            data-testid="details-write"
            disabled={denied !== null}
            title={denied ?? `Write ${tag.path}`}
            onClick={() => openWrite(tag.path)}
          >
            Write…
          </button>
        )}
        {tag.writable && denied !== null && (
          <span className="details-denied muted" data-testid="details-write-denied">
            <span className="padlock" aria-hidden="true" /> {denied}
          </span>
        )}
      </div>
    </section>
  );
}
