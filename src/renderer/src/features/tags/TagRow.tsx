// One row of the tag table. Its live cells (value, quality, timestamp) are
// empty in JSX and painted from the live-value cache by a listener on this
// row's path: a value change touches three text nodes and nothing else. The
// NE107 cell follows the alarm stream's instrument statuses on its own.
// A row can be dragged (onto the trend chart) and has a context menu. A
// writable tag the login may not write keeps its Write button, disabled,
// with the reason as its tooltip; a double click then only says why.
import { memo, useLayoutEffect, useRef, type Ref } from 'react';
import { leafName, parentFolder } from '../../../../shared/tagPath';
import type { TagInfo, TagValue } from '../../../../shared/types';
import { liveValues } from '../../stores';
import { formatTime, formatValue } from '../../ui/format';
import { paintQuality } from '../../ui/QualityMark';
import { startTagDrag } from '../../ui/tagDrag';
import { showGateHint } from '../auth/gateHint';
import { Ne107Cell } from './Ne107Cell';

export interface TagRowProps {
  readonly tag: TagInfo;
  readonly index: number;
  readonly selected: boolean;
  readonly rowRef: Ref<HTMLDivElement>;
  /** Why this login may not write the tag (the tooltip); null: it may. */
  readonly writeDenied: string | null;
  readonly onSelect: (path: string) => void;
  readonly onWrite: (path: string) => void;
  /** Opens the row's context menu at a screen position. */
  readonly onMenu: (path: string, x: number, y: number) => void;
}

export const rowId = (index: number) => `tag-row-${index}`;

export const TagRow = memo(function TagRow({ tag, index, selected, rowRef, writeDenied, onSelect, onWrite, onMenu }: TagRowProps) {
  const valueRef = useRef<HTMLSpanElement>(null);
  const qualityRef = useRef<HTMLSpanElement>(null);
  const tsRef = useRef<HTMLSpanElement>(null);

  // Before the first paint: the current value, then every change.
  useLayoutEffect(() => {
    const valueEl = valueRef.current;
    const qualityEl = qualityRef.current;
    const tsEl = tsRef.current;
    if (!valueEl || !qualityEl || !tsEl) return;
    const { path, dataType } = tag;
    const paint = (v: TagValue) => {
      const text = formatValue(v.value, dataType);
      if (valueEl.textContent !== text) valueEl.textContent = text;
      if (valueEl.dataset.quality !== v.quality.status) valueEl.dataset.quality = v.quality.status;
      paintQuality(qualityEl, v.quality);
      const time = formatTime(v.ts);
      if (tsEl.textContent !== time) tsEl.textContent = time;
    };
    paint(liveValues.get(path) ?? tag);
    return liveValues.subscribe(path, paint);
  }, [tag]);

  const folder = parentFolder(tag.path);
  return (
    <div
      ref={rowRef}
      id={rowId(index)}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className="tag-row"
      data-index={index}
      data-testid="tag-row"
      data-path={tag.path}
      data-writable={tag.writable}
      draggable
      onDragStart={(e) => startTagDrag(e, tag.path)}
      onMouseDown={() => onSelect(tag.path)}
      onDoubleClick={() => {
        if (!tag.writable) return;
        if (writeDenied === null) onWrite(tag.path);
        else showGateHint(writeDenied);
      }}
      onContextMenu={(e) => {
        e.preventDefault();
        onSelect(tag.path);
        onMenu(tag.path, e.clientX, e.clientY);
      }}
    >
      <span role="gridcell" className="cell cell-path" title={tag.description ? `${tag.path}\n${tag.description}` : tag.path}>
        {folder !== '' && <span className="path-folder">{folder}/</span>}
        <span className="path-leaf">{leafName(tag.path)}</span>
      </span>
      <span role="gridcell" className="cell cell-value">
        <span ref={valueRef} className="value" data-testid="tag-value" />
      </span>
      <span role="gridcell" className="cell cell-units">
        {tag.units}
      </span>
      <span role="gridcell" className="cell cell-quality">
        <span ref={qualityRef} className="quality" data-testid="tag-quality">
          <span className="quality-symbol" aria-hidden="true" />
          <span className="quality-text" />
        </span>
      </span>
      <span role="gridcell" className="cell cell-ne107">
        <Ne107Cell path={tag.path} />
      </span>
      <span role="gridcell" className="cell cell-ts">
        <span ref={tsRef} className="ts" />
      </span>
      <span role="gridcell" className="cell cell-action">
        {tag.writable && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="write-button"
            tabIndex={-1}
            disabled={writeDenied !== null}
            title={writeDenied ?? `Write ${tag.path}  (Enter)`}
            onMouseDown={(e) => e.stopPropagation()}
            onClick={() => onWrite(tag.path)}
          >
            Write…
          </button>
        )}
      </span>
    </div>
  );
});
