import type { Role } from '../../contracts/index.js';

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** Roles are ordered: an admin may do what a responder may, and a responder what a viewer may. */
export const roleAllows = (held: Role, needed: Role): boolean => RANK[held] >= RANK[needed];
