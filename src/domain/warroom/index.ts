export * from './war-room-policy.js';
export * from './room-invitees.js';
export * from './mention-plan.js';
export * from './room-people.js';
export * from './room-lifecycle.js';
export * from './room-posts.js';
export * from './room-data.js';
