import type { AppClient } from '../client/app-client.ts';

/**
 * An AppClient for a deployed stack whose AWS SDK code loads on the first call, so that commands
 * not using `--aws` start without it.
 */
export function lazyAwsAppClient(opts: {
  stack: string;
  env: Record<string, string | undefined>;
}): AppClient {
  let client: Promise<AppClient> | undefined;
  const get = () => {
    client ??= import('./aws-app-client.ts').then(({ AwsAppClient }) => new AwsAppClient(opts));
    return client;
  };
  return {
    listApps: async (...a) => (await get()).listApps(...a),
    getApp: async (...a) => (await get()).getApp(...a),
    history: async (...a) => (await get()).history(...a),
    diff: async (...a) => (await get()).diff(...a),
    sync: async (...a) => (await get()).sync(...a),
    rollback: async (...a) => (await get()).rollback(...a),
    resume: async (...a) => (await get()).resume(...a),
    job: async (...a) => (await get()).job(...a),
  };
}
