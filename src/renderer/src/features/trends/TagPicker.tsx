// "Add pen": a search box over the tag catalogue with its matches listed
// below. Type part of a path; ↓ ↑ pick a match, Enter adds it (or, with none
// picked, the exact match or the first one), Esc clears. A click adds a
// match, and any match can be dragged onto the chart.
import { useDeferredValue, useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { leafName, parentFolder } from '../../../../shared/tagPath';
import type { TagInfo } from '../../../../shared/types';
import { MAX_PENS, useHmi } from '../../stores';
import { startTagDrag } from '../../ui/tagDrag';
import { filterTags } from '../tags/filter';
import { addPenWithNotice } from './penActions';

export const TREND_ADD_INPUT_ID = 'trend-add';
const LIST_ID = 'trend-add-list';
const SHOWN = 200;

export function TagPicker() {
  const { tags, lowerPaths, pens, status } = useHmi(
    useShallow((s) => ({ tags: s.tags, lowerPaths: s.lowerPaths, pens: s.pens, status: s.catalogStatus })),
  );
  const [text, setText] = useState('');
  const [active, setActive] = useState(-1);
  const search = useDeferredValue(text);
  const matches = useMemo(() => filterTags(tags, lowerPaths, '', search), [tags, lowerPaths, search]);
  const shown = matches.slice(0, SHOWN);
  const onTrend = useMemo(() => new Set(pens.map((p) => p.path)), [pens]);
  const full = pens.length >= MAX_PENS;

  const add = (tag: TagInfo | undefined) => {
    if (tag) addPenWithNotice(tag.path);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (shown.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((a) => (a < 0 ? (step > 0 ? 0 : shown.length - 1) : (a + step + shown.length) % shown.length));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const current = filterTags(tags, lowerPaths, '', text);
      const exact = current.find((t) => t.path.toLowerCase() === text.trim().toLowerCase());
      add(active >= 0 && search === text ? shown[active] : (exact ?? current[0]));
    } else if (e.key === 'Escape' && text !== '') {
      e.preventDefault();
      setText('');
      setActive(-1);
    }
  };

  const emptyText =
    status === 'loading' ? 'Loading tags…' : tags.length === 0 ? 'No tags in this project.' : `No tag matches “${search}”.`;

  return (
    <section className="trend-picker" aria-label="Add pen">
      <div className="pane-title">
        <span>Add pen</span>
        <span className="pane-title-aside num">
          {pens.length} of {MAX_PENS}
        </span>
      </div>
      <div className="trend-picker-search">
        <input
          id={TREND_ADD_INPUT_ID}
          data-testid="trend-add"
          type="search"
          className="search-input"
          placeholder="Search tags   ( / )"
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-label="Add pen: search tags"
          aria-expanded={shown.length > 0}
          aria-controls={LIST_ID}
          aria-activedescendant={active >= 0 && active < shown.length ? optionId(active) : undefined}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <ul id={LIST_ID} className="trend-picker-list" role="listbox" aria-label="Matching tags">
        {shown.map((tag, i) => {
          const present = onTrend.has(tag.path);
          const folder = parentFolder(tag.path);
          return (
            <li
              key={tag.path}
              id={optionId(i)}
              role="option"
              className="picker-item"
              aria-selected={i === active}
              aria-disabled={present || full}
              data-path={tag.path}
              data-present={present}
              draggable
              title={`${tag.path}${tag.description ? `\n${tag.description}` : ''}\nClick to add, or drag onto the chart`}
              onDragStart={(e) => startTagDrag(e, tag.path)}
              onClick={() => add(tag)}
            >
              <span className="picker-mark" aria-hidden="true">
                {present ? '✓' : '+'}
              </span>
              <span className="picker-path">
                {folder !== '' && <span className="path-folder">{folder}/</span>}
                <span className="path-leaf">{leafName(tag.path)}</span>
              </span>
              <span className="picker-units">{tag.units}</span>
            </li>
          );
        })}
        {shown.length === 0 && <li className="picker-empty">{emptyText}</li>}
        {matches.length > SHOWN && (
          <li className="picker-empty">
            {matches.length - SHOWN} more: refine the search
          </li>
        )}
      </ul>
    </section>
  );
}

const optionId = (i: number) => `trend-add-option-${i}`;
