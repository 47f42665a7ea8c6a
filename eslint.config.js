import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'openapi/**', 'node_modules/**', 'bench/profiles/**']
  }),
  {
    // `void reply.header(...)`: Fastify's reply is thenable; `void` says it is not awaited on purpose.
    rules: { 'no-void': 'off' }
  },
  {
    files: ['**/*.ts'],
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] }
  },
  {
    // Config tests write `${VAR}` references as plain strings on purpose.
    files: ['test/unit/config-load.test.ts'],
    rules: { 'no-template-curly-in-string': 'off' }
  }
]
