/** Finding, fetching or building the Temporal binaries without depending on any one download site. */
export { projectCacheDir } from './cache-dir';
export { BinaryConfigError, BinaryNotFoundError, type ResolvedBinary, type ResolveOptions } from './steps';
export { resolveTemporalCli, TEMPORAL_CLI_VERSION } from './temporal-cli';
export { resolveTestServer, TEST_SERVER_MAVEN_VERSION } from './test-server';
