// The search box: case-insensitive substring of the path, applied 150 ms
// after typing pauses. Esc clears, ↓ or Enter goes to the table, "/" from
// anywhere comes back here (see App).
import { useState, type KeyboardEvent } from 'react';
import { useHmi } from '../../stores';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';

export const SEARCH_INPUT_ID = 'tag-search';

export function SearchBox({ onLeave }: { onLeave: () => void }) {
  const setSearch = useHmi((s) => s.setSearch);
  const [text, setText] = useState(() => useHmi.getState().search);
  const apply = useDebouncedCallback(setSearch, 150);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && text !== '') {
      e.preventDefault();
      setText('');
      apply(''); // replaces a pending apply of the old text
      setSearch('');
    } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
      e.preventDefault();
      apply(text);
      setSearch(text);
      onLeave();
    }
  };

  return (
    <div className="search">
      <label htmlFor={SEARCH_INPUT_ID} className="search-label">
        Search
      </label>
      <input
        id={SEARCH_INPUT_ID}
        data-testid="search"
        type="search"
        className="search-input"
        placeholder="Filter by path   ( / )"
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          apply(e.target.value);
        }}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
