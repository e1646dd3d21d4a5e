// The viewer's keys, in one place (Grafana's useKeyBindings): ignored while typing in a field,
// except Esc.
import { useEffect, useRef } from 'react';

export type KeyMap = Record<string, (e: KeyboardEvent) => void>;

export function useKeyBindings(map: KeyMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement;
      const typing = t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
      if (typing && e.key !== 'Escape') return;
      if (document.querySelector('dialog[open]') && e.key !== 'Escape') return;
      const handler = ref.current[e.key === ' ' ? 'Space' : e.key];
      if (handler) {
        handler(e);
        if (!typing) e.preventDefault();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
