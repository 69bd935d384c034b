export * from './lifecycle.js';
export * from './priority.js';
export * from './actor.js';
export * from './timeline.js';
export * from './incident-store.js';
export * from './incident-actions.js';
export * from './incident-opening.js';
export * from './incident-events.js';
