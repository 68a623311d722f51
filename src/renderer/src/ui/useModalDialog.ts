import { useEffect, useRef } from 'react';

/**
 * A <dialog> shown modal while the component is mounted (the rest of the
 * page is inert behind it: no click or key reaches it), closed when it
 * unmounts. `focus` names the element to give the keyboard (showModal gives
 * it to the first control, often the ✕).
 */
export function useModalDialog(focus?: string) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      dialog.showModal();
      if (focus !== undefined) dialog.querySelector<HTMLElement>(focus)?.focus();
    }
    return () => {
      if (dialog?.open) dialog.close();
    };
  }, [focus]);
  return ref;
}
