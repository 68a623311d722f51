// A tag's NE107 mark in a table cell. It selects its own path's status from
// the store, so a status change re-renders this cell alone, never the row
// or the table (statuses change seldom; values, painted outside React, often).
import { memo } from 'react';
import { ne107Of, useHmi } from '../../stores';
import { Ne107Mark } from '../../ui/Ne107Mark';

export const Ne107Cell = memo(function Ne107Cell({ path, wide = false }: { path: string; wide?: boolean }) {
  const status = useHmi((s) => ne107Of(s, path));
  return <Ne107Mark status={status} wide={wide} testId="ne107" />;
});
