import type { SyncOptions } from '../app-spec.ts';

export const DEFAULT_SYNC_OPTIONS: SyncOptions = {
  createNamespace: false,
  prune: true,
  pruneLast: true,
  prunePropagationPolicy: 'foreground',
  force: false,
  applyOutOfSyncOnly: true,
  replace: false,
  validate: true,
  skipDryRunOnMissingResource: false,
  respectIgnoreDifferences: false,
};

const KNOWN = [
  'CreateNamespace',
  'Prune',
  'PruneLast',
  'PrunePropagationPolicy',
  'Force',
  'ApplyOutOfSyncOnly',
  'ServerSideApply',
  'Validate',
  'Replace',
  'RespectIgnoreDifferences',
  'SkipDryRunOnMissingResource',
  'FailOnSharedResource',
] as const;

/**
 * Reads Argo CD style `Name=value` sync options. Returns the options and the problems
 * found, each naming the offending entry.
 */
export function parseSyncOptions(
  entries: readonly string[],
  base: SyncOptions = DEFAULT_SYNC_OPTIONS,
): { options: SyncOptions; problems: string[] } {
  const options = { ...base };
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    const [name = '', value = ''] = entry.split('=', 2);
    const flag = value.toLowerCase() === 'true';
    switch (name) {
      case 'CreateNamespace':
        options.createNamespace = flag;
        break;
      case 'Prune':
        options.prune = value.toLowerCase() !== 'false';
        break;
      case 'PruneLast':
        options.pruneLast = flag;
        break;
      case 'Force':
        options.force = flag;
        break;
      case 'Replace':
        options.replace = flag;
        break;
      case 'Validate':
        options.validate = value.toLowerCase() !== 'false';
        break;
      case 'SkipDryRunOnMissingResource':
        options.skipDryRunOnMissingResource = flag;
        break;
      case 'RespectIgnoreDifferences':
        options.respectIgnoreDifferences = flag;
        break;
      case 'ApplyOutOfSyncOnly':
        options.applyOutOfSyncOnly = flag;
        break;
      case 'PrunePropagationPolicy': {
        const policy = value.toLowerCase();
        if (policy === 'foreground' || policy === 'background' || policy === 'orphan') {
          options.prunePropagationPolicy = policy;
        } else
          problems.push(
            `[${i}]: PrunePropagationPolicy must be foreground, background or orphan, got "${value}"`,
          );
        break;
      }
      default:
        if (!(KNOWN as readonly string[]).includes(name)) {
          problems.push(`[${i}]: unknown sync option "${name}"; known: ${KNOWN.join(', ')}`);
        }
    }
  });
  return { options, problems };
}
