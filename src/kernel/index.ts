export * from './clock.js';
export * from './duration.js';
export * from './errors.js';
export * from './ids.js';
export * from './fingerprint.js';
export * from './logger.js';
export * from './severity.js';
export * from './retry-after.js';
