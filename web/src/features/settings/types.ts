import type { Role } from '../../api/types';

/** An API token as the API lists it (never its secret). /me/tokens leaves out user_id and revoked_at. */
export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  user_id?: string | null;
  token_hint: string;
  managed_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at?: string | null;
}

/** The answer to creating a token: the only time its secret is shown. */
export interface CreatedToken {
  id: string;
  name: string;
  role: Role;
  token: string;
}

export type TokenScope = 'mine' | 'all';

export interface NewToken {
  name: string;
  role?: Role;
  user_id?: string;
}
