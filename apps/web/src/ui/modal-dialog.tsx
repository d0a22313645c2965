// A modal <dialog>, open while mounted: Escape and a click on the backdrop close it (unless busy).
// Whoever renders it keeps anything typed worth keeping (see lib/drafts.ts).
import { type ReactNode, useEffect, useRef } from "react";
import "./dialog.css";

type TModalDialogProps = { labelledBy: string; isBusy: boolean; onClose(): void; children: ReactNode };

export function ModalDialog({ labelledBy, isBusy, onClose, children }: TModalDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    dialogRef.current?.showModal();
  }, []);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard's way out is Escape (the dialog's cancel).
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={labelledBy}
      onCancel={(event) => {
        if (isBusy) event.preventDefault();
      }}
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> itself.
        if (event.target === event.currentTarget && !isBusy) onClose();
      }}
    >
      {children}
    </dialog>
  );
}
