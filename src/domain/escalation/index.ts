export * from './escalation-policy.js';
export * from './escalation-planner.js';
export * from './target-resolver.js';
export * from './escalation-engine.js';
export * from './escalation-auditor.js';
export * from './escalation-simulator.js';
export * from './readiness-lint.js';
