import { z } from 'zod';

/** Generic JSON: one object or an array of them; fields are found through the service's mapping. */
export const genericWebhookSchema = z.union([
  z.record(z.string(), z.unknown()),
  z.array(z.record(z.string(), z.unknown())).min(1).max(10_000),
]);

export type GenericWebhook = z.infer<typeof genericWebhookSchema>;
