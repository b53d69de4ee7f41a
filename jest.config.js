/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Generating functions.json and building the add-in take a few seconds each.
  testTimeout: 120000,
  testPathIgnorePatterns: ["/node_modules/", "/test/browser/"],
  setupFiles: ["<rootDir>/test/support/setupCustomFunctions.ts", "<rootDir>/test/support/setupCatalog.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
};
