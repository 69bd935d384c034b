export * from './config-error.js';
export * from './load-config.js';
export * from './config-diff.js';
export * from './apply-config.js';
