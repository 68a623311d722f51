// A control that is off says why in its tooltip; one reached from the
// keyboard (Enter on a row, a double click) has no tooltip to show, so the
// reason goes to the status bar for a few seconds instead.
import { useHmi } from '../../stores';

const HINT_MS = 5_000;
let timer: ReturnType<typeof setTimeout> | null = null;

export function showGateHint(text: string): void {
  useHmi.getState().setGateHint(text);
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    if (useHmi.getState().gateHint === text) useHmi.getState().setGateHint(null);
  }, HINT_MS);
}
