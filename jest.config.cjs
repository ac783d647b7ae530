/** Unit tests run in-process; integration tests drive the packaged .spl and take longer. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }];
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/unit'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integration'],
      transform: { '^.+\\.tsx?$': tsJest },
      moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
      testTimeout: 600000,
      setupFilesAfterEnv: ['<rootDir>/test/integration/jest-setup.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/test/integration/jest-setup.ts'],
    },
  ],
};
