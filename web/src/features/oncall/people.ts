import { useMemo } from 'react';
import { useUsers } from '../../api/catalog';
import { useSession } from '../../auth/session';
import { isValidZone } from './zoned';

// Red is kept for coverage gaps, so no person is ever drawn in it.
const PALETTE = ['blue', 'teal', 'grape', 'orange', 'cyan', 'lime', 'pink', 'violet', 'green', 'indigo', 'yellow'] as const;

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * A stable Mantine colour per user: by their place in the sorted user list, so the few people of a
 * team never share a colour, falling back to a hash of the id for unknown users.
 */
export function useUserColor(): (userId: string) => string {
  const { data } = useUsers();
  return useMemo(() => {
    const order = new Map((data ?? []).map((u) => u.id).sort().map((id, i) => [id, i]));
    return (userId: string) => PALETTE[(order.get(userId) ?? hash(userId)) % PALETTE.length]!;
  }, [data]);
}

/** The viewer's time zone: their profile's, else the browser's. */
export function useViewerZone(): string {
  const { data } = useSession();
  const profile = data?.user.timezone;
  return isValidZone(profile) ? profile : Intl.DateTimeFormat().resolvedOptions().timeZone;
}
