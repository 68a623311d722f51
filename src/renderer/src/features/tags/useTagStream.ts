// One `tags.changed` subscription per caller, carrying only the given paths
// (the table passes the rows it has in the DOM). Changes of the path list are
// debounced, so scrolling through 50,000 rows sends a handful of updates, not
// one per frame. Values go to the live-value cache, never into React state.
import { useEffect, useLayoutEffect, useRef } from 'react';
import { useClient, type Subscription } from '../../api';
import { liveValues } from '../../stores';
import { useDebouncedCallback } from '../../ui/useDebouncedCallback';

const SEP = '\n';
const split = (key: string): string[] => (key === '' ? [] : key.split(SEP));

export function useTagStream(paths: readonly string[], debounceMs = 120, onCount?: (n: number) => void): void {
  const client = useClient();
  const key = paths.join(SEP);
  const latestKey = useRef(key);
  const sentKey = useRef<string | null>(null);
  const subscription = useRef<Subscription<'tags.changed'> | null>(null);
  const onCountRef = useRef(onCount);
  useLayoutEffect(() => {
    latestKey.current = key;
    onCountRef.current = onCount;
  });

  // The subscription lives as long as the client; it starts with the paths
  // of the moment and follows them below.
  useEffect(() => {
    const first = latestKey.current;
    sentKey.current = first;
    const sub = client.subscribe('tags.changed', { paths: split(first) }, (changes) => {
      if (Array.isArray(changes)) liveValues.apply(changes);
    });
    subscription.current = sub;
    onCountRef.current?.(split(first).length);
    return () => {
      sub();
      subscription.current = null;
      sentKey.current = null;
    };
  }, [client]);

  const push = useDebouncedCallback(() => {
    const next = latestKey.current;
    if (subscription.current === null || next === sentKey.current) return;
    sentKey.current = next;
    subscription.current.update({ paths: split(next) });
    onCountRef.current?.(split(next).length);
  }, debounceMs);

  useEffect(() => {
    if (key !== sentKey.current) push();
  }, [key, push]);
}
