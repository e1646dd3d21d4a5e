// Who is signed in, for every page: the role decides which controls are shown (the server refuses
// the rest anyway).
import { createContext, useContext } from 'react';
import type { SessionInfo } from '../../shared/api.ts';

export const SessionContext = createContext<{ session: SessionInfo; signOut(): Promise<void> } | undefined>(undefined);

export function useSession(): { session: SessionInfo; signOut(): Promise<void> } {
  const s = useContext(SessionContext);
  if (!s) throw new Error('BUG: useSession outside the signed-in app');
  return s;
}
