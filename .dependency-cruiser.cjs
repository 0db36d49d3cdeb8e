/**
 * Imports run one way: runtime ← connectors ← server ← cli; sandbox stands alone; the editor uses only the
 * server's wire contract (types) and browser-safe runtime modules. `pnpm lint` fails on a forbidden import.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'runtime-is-the-bottom',
      severity: 'error',
      comment: 'runtime knows nothing of connectors, server, cli, editor or sandbox',
      from: { path: '^packages/runtime/' },
      to: { path: '^packages/(connectors|server|cli|editor|sandbox)/' },
    },
    {
      name: 'runtime-has-no-server-or-ui-libraries',
      severity: 'error',
      from: { path: '^packages/runtime/' },
      to: { path: 'node_modules/(express|react|react-dom|@xyflow|kysely|better-sqlite3|pg|pino)/' },
    },
    {
      name: 'connectors-only-on-runtime',
      severity: 'error',
      from: { path: '^packages/connectors/' },
      to: { path: '^packages/(server|cli|editor|sandbox)/' },
    },
    {
      name: 'server-not-on-cli-or-editor',
      severity: 'error',
      from: { path: '^packages/server/' },
      to: { path: '^packages/(cli|editor)/' },
    },
    {
      name: 'sandbox-stands-alone',
      severity: 'error',
      from: { path: '^packages/sandbox/' },
      to: { path: '^packages/(runtime|connectors|server|cli|editor)/' },
    },
    {
      name: 'editor-only-on-contract-and-browser-safe-runtime',
      severity: 'error',
      from: { path: '^packages/editor/src' },
      to: {
        path: '^packages/(server|connectors|cli|sandbox|runtime)/',
        pathNot: ['^packages/server/src/api/contract\\.ts$', '^packages/runtime/src/(mapping|model)/'],
      },
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
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
    exclude: { path: '(node_modules|dist|generated)' },
  },
};
