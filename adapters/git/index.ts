export { cachedCheckout } from './checkout-cache.ts';
export { GitSourceError } from './errors.ts';
export { credentialsFromEnv, type GitCredentials, onAuthFor } from './git-auth.ts';
export { GitObjectReader } from './git-object-reader.ts';
export { GitSource, type GitSourceOptions } from './git-source.ts';
export { LocalGitSource, type LocalGitSourceOptions } from './local-git-source.ts';
export { isRemoteRepo, type OpenSourceOptions, openSource } from './open-source.ts';
