// Dragging a tag (from the tag table or the trend's tag list) onto a drop
// target (the trend chart). The path travels as our own type, and as plain
// text for anything else it is dropped on.
import type { DragEvent } from 'react';

export const TAG_DRAG_TYPE = 'application/x-scada-tag';

export function startTagDrag(e: DragEvent, path: string): void {
  e.dataTransfer.setData(TAG_DRAG_TYPE, path);
  e.dataTransfer.setData('text/plain', path);
  e.dataTransfer.effectAllowed = 'copy';
}

/** A drag that carries a tag (its data is readable only on drop). */
export function isTagDrag(e: DragEvent): boolean {
  return e.dataTransfer.types.includes(TAG_DRAG_TYPE);
}

export function droppedTag(e: DragEvent): string | null {
  const path = e.dataTransfer.getData(TAG_DRAG_TYPE);
  return path === '' ? null : path;
}
