// `?`: every keyboard shortcut of the viewer.
import { Dialog } from './Dialog.tsx';

export const SHORTCUTS: [string, string][] = [
  ['/', 'Focus the search field'],
  ['Esc', 'Clear the search field, close details or a dialog'],
  ['j / k', 'Next / previous event'],
  ['Enter', 'Expand the selected event'],
  ['c', 'Open the selected event in its context (same sender)'],
  ['Space', 'Pause or resume the live tail'],
  ['g / G', 'Oldest loaded / newest event'],
  ['?', 'This list'],
];

export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, what]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
