// Enforces the layer direction of docs/architecture.md: imports point down only.
//   infra -> lambdas -> cli? (no) ; lambdas/cli -> ingest/adapters -> engine
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-pure',
      comment:
        'engine/ talks to the world only through interfaces: no adapters, cli, lambdas, infra, AWS SDK or Kubernetes client.',
      severity: 'error',
      from: { path: '^engine/' },
      to: {
        path: [
          '^adapters/',
          '^cli/',
          '^lambdas/',
          '^infra/',
          '@aws-sdk',
          '@kubernetes/client-node',
          'aws-cdk-lib',
        ],
      },
    },
    {
      name: 'ingest-is-pure',
      comment:
        'ingest/ (webhook verification, push -> jobs) is shared by the webhook Lambda and serve: engine types and @octokit/webhooks only.',
      severity: 'error',
      from: { path: '^ingest/' },
      to: {
        path: [
          '^adapters/',
          '^cli/',
          '^lambdas/',
          '^infra/',
          '@aws-sdk',
          '@kubernetes/client-node',
          'aws-cdk-lib',
        ],
      },
    },
    {
      name: 'adapters-below-entrypoints',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: ['^cli/', '^lambdas/', '^infra/'] },
    },
    {
      name: 'cli-not-aws-handlers',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: ['^lambdas/', '^infra/'] },
    },
    {
      name: 'lambdas-not-cli',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: ['^cli/', '^infra/'] },
    },
    {
      name: 'engine-through-its-index',
      comment:
        'Outer layers use the engine only through engine/index.ts, its table of contents: what is not exported there is internal.',
      severity: 'error',
      from: { path: '^(cli|lambdas|ingest|adapters|infra)/' },
      to: { path: '^engine/', pathNot: '^engine/index\\.ts$' },
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
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
