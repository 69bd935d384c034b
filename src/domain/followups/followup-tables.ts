import type { Db } from '../../db/database.js';
import type { ActionItemsTable } from '../../db/schema.js';

export type FollowupSource = ActionItemsTable['source'];
export type ActionItemStatus = ActionItemsTable['status'];
export type FollowupDb = Db;

/** Kept so callers read the same; the tables are part of the schema now. */
export const followupDb = (db: Db): FollowupDb => db;
