export * from './audit-log.js';
export * from './roles.js';
export * from './api-tokens.js';
