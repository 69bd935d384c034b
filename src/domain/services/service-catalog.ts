import type { Db } from '../../db/database.js';
import { hashSecret } from '../../kernel/index.js';
import type { GenericMapping, Impact } from '../../contracts/index.js';
import type { GroupingSettings } from './runtime-settings.js';

/** What ingest needs to know about a service, resolved from an integration key. */
export interface ServiceRef {
  id: string;
  name: string;
  impact: Impact;
  autoResolve: boolean;
  grouping: GroupingSettings;
  genericMapping: Partial<GenericMapping> | null;
  ownerUserId: string | null;
  teamId: string | null;
  links: Record<string, string>;
}

interface CacheEntry {
  service: ServiceRef | null;
  expiresAt: number;
}

/**
 * Looks services up by integration key with a short-lived cache: ingest runs thousands of times a
 * second and keys change rarely. `invalidate()` is called when config is applied.
 */
export class ServiceCatalog {
  private readonly byKeyHash = new Map<string, CacheEntry>();
  /** One database lookup per key at a time; concurrent requests share it (no stampede at expiry). */
  private readonly inFlight = new Map<string, Promise<ServiceRef | null>>();

  constructor(
    private readonly db: Db,
    private readonly defaults: () => GroupingSettings,
    private readonly ttlMs = 30_000,
  ) {}

  async findByIntegrationKey(key: string, nowMs: number): Promise<ServiceRef | null> {
    const keyHash = hashSecret(key);
    const cached = this.byKeyHash.get(keyHash);
    if (cached && cached.expiresAt > nowMs) return cached.service;
    let pending = this.inFlight.get(keyHash);
    if (!pending) {
      pending = this.lookup(keyHash, nowMs).finally(() => this.inFlight.delete(keyHash));
      this.inFlight.set(keyHash, pending);
    }
    return pending;
  }

  private async lookup(keyHash: string, nowMs: number): Promise<ServiceRef | null> {
    const row = await this.db
      .selectFrom('integration_keys as k')
      .innerJoin('services as s', 's.id', 'k.service_id')
      .select(['s.id', 's.name', 's.impact', 's.auto_resolve', 's.grouping', 's.generic_mapping', 's.owner_user_id', 's.team_id', 's.links'])
      .where('k.key_hash', '=', keyHash)
      .executeTakeFirst();
    const defaults = this.defaults();
    const service: ServiceRef | null = row
      ? {
          id: row.id,
          name: row.name,
          impact: row.impact as Impact,
          autoResolve: row.auto_resolve,
          grouping: {
            groupBy: row.grouping?.group_by ?? defaults.groupBy,
            windowMs: row.grouping?.window ?? defaults.windowMs,
          },
          genericMapping: row.generic_mapping as Partial<GenericMapping> | null,
          ownerUserId: row.owner_user_id,
          teamId: row.team_id,
          links: row.links,
        }
      : null;
    // Unknown keys are cached briefly too, so a misconfigured sender cannot hammer the database.
    this.byKeyHash.set(keyHash, { service, expiresAt: nowMs + (service ? this.ttlMs : 2_000) });
    return service;
  }

  invalidate(): void {
    this.byKeyHash.clear();
  }
}
