/** Import boundaries from ARCHITECTURE.md, enforced on every `npm test`. */
module.exports = {
  forbidden: [
    {
      name: 'kernel-is-pure',
      comment: 'kernel imports nothing of ours',
      severity: 'error',
      from: { path: '^src/kernel/' },
      to: { path: '^src/(?!kernel/)' },
    },
    {
      name: 'contracts-only-kernel',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { path: '^src/(?!kernel/|contracts/)' },
    },
    {
      name: 'domain-not-outward',
      comment: 'domain never imports providers, http, engine, cli or the composition root',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(providers|http|engine|cli|config)/|^src/app\\.ts$' },
    },
    {
      name: 'domain-through-index',
      comment: 'another domain is reached only through its index.ts',
      severity: 'error',
      from: { path: '^src/domain/([^/]+)/' },
      to: { path: '^src/domain/([^/]+)/(?!index\\.ts$)', pathNot: '^src/domain/$1/' },
    },
    {
      name: 'outside-domain-through-index',
      comment: 'code outside the domain reaches a domain only through its index.ts',
      severity: 'error',
      from: { path: '^src/(?!domain/)' },
      to: { path: '^src/domain/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'providers-isolated',
      comment: 'providers import only providers/api.ts, kernel and contracts',
      severity: 'error',
      from: { path: '^src/providers/' },
      to: { path: '^src/(?!kernel/|contracts/|providers/)' },
    },
    {
      name: 'app-only-from-cli',
      comment: 'only the CLI starts the composition root',
      severity: 'error',
      from: { path: '^src/(?!cli/)' },
      to: { path: '^src/app\\.ts$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
