// Saved trend views (kept in the project by the runtime): "Save view" asks
// for a name inline and saves the pens (path, colour, axis limits) and the
// range; "Views" lists the saved ones to open or delete. Saving and
// deleting change the project (permission project.edit): without it both are
// off and say who may; opening a view is for everyone. Failures (a
// read-only review, an unwritable project file, a refusal) are shown here.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { TrendView } from '../../../../shared/contract';
import { ApiError, useClient } from '../../api';
import { gate, useHmi } from '../../stores';
import { formatRange } from './trendRange';

const MAX_NAME = 100;

function describe(error: unknown): string {
  return error instanceof ApiError ? error.describe() : error instanceof Error ? error.message : String(error);
}

/** The view to save: the store's pens and range. */
function currentView(name: string): TrendView {
  const { pens, range } = useHmi.getState();
  return {
    name,
    pens: pens.map((p) => ({
      path: p.path,
      color: p.color,
      ...(p.min === undefined ? {} : { min: p.min }),
      ...(p.max === undefined ? {} : { max: p.max }),
    })),
    range: range.mode === 'live' ? { mode: 'live', spanMs: Math.round(range.spanMs) } : range,
  };
}

export function TrendViewsMenu() {
  const client = useClient();
  const penCount = useHmi((s) => s.pens.length);
  const openView = useHmi((s) => s.openView);
  const editDenied = useHmi((s) => gate(s.session, 'project.edit', 'save or delete trend views'));
  const [views, setViews] = useState<readonly TrendView[] | null>(null);
  const [listOpen, setListOpen] = useState(false);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const load = async () => {
    try {
      setViews(await client['trends.list']({}));
    } catch (error) {
      setMessage({ text: `Cannot list views: ${describe(error)}`, error: true });
    }
  };

  useEffect(() => {
    if (saving) nameRef.current?.focus();
  }, [saving]);

  // A login that ends while the name is being typed takes the form with it.
  useEffect(() => {
    if (editDenied !== null) setSaving(false);
  }, [editDenied]);

  // Confirmations fade after a while; errors stay until the next action.
  useEffect(() => {
    if (!message || message.error) return;
    const timer = setTimeout(() => setMessage(null), 6_000);
    return () => clearTimeout(timer);
  }, [message]);

  // The list closes on a click elsewhere.
  useEffect(() => {
    if (!listOpen) return;
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setListOpen(false);
    };
    window.addEventListener('mousedown', onDown, true);
    return () => window.removeEventListener('mousedown', onDown, true);
  }, [listOpen]);

  const toggleList = () => {
    const next = !listOpen;
    setListOpen(next);
    setConfirmDelete(null);
    if (next) void load();
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || penCount === 0 || editDenied !== null) return;
    setBusy(true);
    try {
      setViews(await client['trends.save']({ view: currentView(trimmed) }));
      setMessage({ text: `Saved view “${trimmed}”`, error: false });
      setSaving(false);
      setName('');
    } catch (error) {
      setMessage({ text: `Cannot save the view: ${describe(error)}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (viewName: string) => {
    if (editDenied !== null) return;
    if (confirmDelete !== viewName) {
      setConfirmDelete(viewName);
      return;
    }
    setConfirmDelete(null);
    try {
      setViews(await client['trends.delete']({ name: viewName }));
      setMessage({ text: `Deleted view “${viewName}”`, error: false });
    } catch (error) {
      setMessage({ text: `Cannot delete the view: ${describe(error)}`, error: true });
    }
  };

  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setListOpen(false);
      menuRef.current?.querySelector<HTMLButtonElement>('[data-testid="trend-views"]')?.focus();
    }
  };

  return (
    <div className="trend-views" ref={menuRef} onKeyDown={onListKey}>
      {saving ? (
        <form className="trend-save-form" onSubmit={save}>
          <input
            ref={nameRef}
            className="search-input trend-save-name"
            data-testid="trend-save-name"
            placeholder="View name"
            aria-label="Name of the view to save"
            maxLength={MAX_NAME}
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.preventDefault();
                e.stopPropagation();
                setSaving(false);
              }
            }}
          />
          <button
            type="submit"
            className="btn btn-small btn-primary"
            data-testid="trend-save-confirm"
            disabled={busy || name.trim() === '' || penCount === 0}
          >
            Save
          </button>
          <button type="button" className="btn btn-small" onClick={() => setSaving(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className="btn btn-small"
          data-testid="trend-save"
          disabled={penCount === 0 || editDenied !== null}
          title={editDenied ?? (penCount === 0 ? 'Add a pen first' : 'Save the pens and range as a view')}
          onClick={() => {
            setSaving(true);
            setMessage(null);
          }}
        >
          Save view
        </button>
      )}
      <button
        type="button"
        className="btn btn-small"
        data-testid="trend-views"
        aria-haspopup="true"
        aria-expanded={listOpen}
        aria-controls="trend-views-list"
        onClick={toggleList}
      >
        Views ▾
      </button>
      {message && (
        <span
          className="trend-views-message"
          data-testid="trend-views-message"
          data-error={message.error}
          role={message.error ? 'alert' : 'status'}
        >
          {message.text}
        </span>
      )}
      {listOpen && (
        <ul id="trend-views-list" className="trend-views-list" aria-label="Saved views" data-testid="trend-views-list">
          {views === null && <li className="picker-empty">Loading…</li>}
          {views !== null && views.length === 0 && <li className="picker-empty">No saved views yet.</li>}
          {views?.map((view) => (
            <li key={view.name} className="trend-view-row">
              <button
                type="button"
                className="trend-view-open"
                data-testid="trend-view-item"
                data-name={view.name}
                title={`${view.pens.map((p) => p.path).join('\n')}\n${formatRange(view.range)}`}
                onClick={() => {
                  openView(view);
                  setListOpen(false);
                  setMessage({ text: `Opened view “${view.name}”`, error: false });
                }}
              >
                <span className="trend-view-name">{view.name}</span>
                <span className="muted">
                  {view.pens.length} pen{view.pens.length === 1 ? '' : 's'} ·{' '}
                  {view.range.mode === 'live' ? formatRange(view.range) : 'history'}
                </span>
              </button>
              <button
                type="button"
                className="btn btn-ghost btn-small"
                data-testid="trend-view-delete"
                disabled={editDenied !== null}
                title={editDenied ?? undefined}
                aria-label={confirmDelete === view.name ? `Confirm deleting ${view.name}` : `Delete ${view.name}`}
                onClick={() => void remove(view.name)}
              >
                {confirmDelete === view.name ? 'Delete?' : '✕'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
