export * from './audit-log.js';
export * from './roles.js';
export * from './api-tokens.js';
export * from './passwords.js';
export * from './web-sessions.js';
export * from './login-throttle.js';
export * from './personal-tokens.js';
