// One jest run for unit, database (RLS), API and end-to-end tests. TypeScript is compiled by
// swc; the database tests run against DATABASE_URL when set, otherwise embedded PGlite.
/** @type {import('jest').Config} */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } }, module: { type: 'commonjs' } }];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose)/)'],
  // The app imports shared schemas through the same alias its build config defines.
  moduleNameMapper: { '^@shared/(.*)$': '<rootDir>/shared/$1' },
  testTimeout: 60000,
  maxWorkers: 2,
};
