import type { Db } from '../../db/database.js';

/** Services linked to `serviceId` by a dependency edge in either direction. */
export async function dependencyNeighbours(db: Db, serviceId: string): Promise<{ serviceId: string; direction: 'depends_on' | 'dependency_of' }[]> {
  const rows = await db
    .selectFrom('service_dependencies')
    .select(['service_id', 'depends_on_id'])
    .where((eb) => eb.or([eb('service_id', '=', serviceId), eb('depends_on_id', '=', serviceId)]))
    .execute();
  return rows.map((row) =>
    row.service_id === serviceId
      ? { serviceId: row.depends_on_id, direction: 'depends_on' as const }
      : { serviceId: row.service_id, direction: 'dependency_of' as const },
  );
}

export async function listServices(db: Db) {
  const services = await db.selectFrom('services').selectAll().orderBy('id').execute();
  const deps = await db.selectFrom('service_dependencies').selectAll().execute();
  return services.map((service) => ({
    ...service,
    depends_on: deps.filter((d) => d.service_id === service.id).map((d) => d.depends_on_id),
  }));
}
