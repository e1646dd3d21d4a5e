// A modal dialog on the platform's <dialog> (focus trap, Esc, backdrop for free), named for
// screen readers and tests.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    // No close() on cleanup: closing fires `close`, which would report the dialog dismissed
    // (React's StrictMode runs effects twice); an unmounted <dialog> is gone anyway.
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} onCancel={onClose} className="dialog">
      <header className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      {children}
    </dialog>
  );
}

/** A dialog form's last row: Cancel, and the submit button (disabled while the request runs). */
export function FormActions({ submit, busy, onCancel }: { submit: string; busy: boolean; onCancel(): void }) {
  return (
    <div className="actions">
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={busy}>
        {submit}
      </button>
    </div>
  );
}
