import { useEffect, useState } from 'react';

/**
 * The wall clock, re-read every `periodMs` while `active`: for an age that
 * must keep counting between two answers from the runtime ("oldest waiting
 * 2 min 13 s"). Only the component that shows the age re-renders. Inactive,
 * it holds the time it was last read and no timer runs.
 */
export function useNow(active: boolean, periodMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    // Read at once: the held time may be long past (the age was not shown).
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [active, periodMs]);
  return now;
}
