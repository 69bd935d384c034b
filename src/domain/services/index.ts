export * from './service-catalog.js';
export * from './runtime-settings.js';
export * from './service-queries.js';
