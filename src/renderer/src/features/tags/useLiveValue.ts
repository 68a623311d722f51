// A live value as React state, for the one or two places that show a single
// tag (the write dialog, the detail strip). Tables never use this.
import { useCallback, useSyncExternalStore } from 'react';
import type { TagValue } from '../../../../shared/types';
import { liveValues } from '../../stores';

export function useLiveValue(path: string | null): TagValue | undefined {
  const subscribe = useCallback(
    (onChange: () => void) => (path === null ? () => {} : liveValues.subscribe(path, onChange)),
    [path],
  );
  return useSyncExternalStore(subscribe, () => (path === null ? undefined : liveValues.get(path)));
}
