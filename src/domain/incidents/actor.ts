/** Who did something: every timeline event and audit row names one. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'integration';
  id: string;
  ip?: string | null;
}

export const systemActor: Actor = { type: 'system', id: 'warroom' };

export const actorLabel = (actor: Actor): string => (actor.type === 'system' ? 'system' : `${actor.type}:${actor.id}`);
