// Adding a pen from anywhere (the tag table's context menu, the trend's tag
// list, a drop on the chart), with a one-line confirmation in the status bar.
import { MAX_PENS, useHmi, type AddPenResult } from '../../stores';

const NOTICE_MS = 5_000;
let noticeTimer: ReturnType<typeof setTimeout> | null = null;

export function addPenWithNotice(path: string): AddPenResult {
  const store = useHmi.getState();
  const result = store.addPen(path);
  const count = useHmi.getState().pens.length;
  const text =
    result === 'added'
      ? `Added ${path} to the trend (${count} of ${MAX_PENS} pens)`
      : result === 'present'
        ? `${path} is already on the trend`
        : `The trend has ${MAX_PENS} pens: remove one before adding ${path}`;
  store.setTrendNotice(text);
  if (noticeTimer !== null) clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    noticeTimer = null;
    if (useHmi.getState().trendNotice === text) useHmi.getState().setTrendNotice(null);
  }, NOTICE_MS);
  return result;
}
