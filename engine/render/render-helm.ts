import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { AppSpec } from '../app-spec.ts';
import type { ToolRunner } from '../ports.ts';
import type { Rendered } from './errors.ts';
import { type ChartDependency, prepareChart } from './helm-dependencies.ts';
import { chartFileToRepoPath, helmFailure } from './helm-error.ts';
import { parseManifests } from './parse-manifests.ts';
import { readRepoFile } from './read-repo-file.ts';
import type { RenderLimits } from './render-limits.ts';
import { repoRelative, resolveInside, scrubPaths } from './repo-path.ts';
import { toolStopped } from './tool-stopped.ts';

export interface RenderHelmInput {
  app: AppSpec;
  repoDir: string;
  appDir: string;
  tools: ToolRunner;
  cacheDir: string;
  /** Passed as --kube-version (Capabilities.KubeVersion) when given. */
  kubeVersion?: string;
  limits: RenderLimits;
}

interface ChartFile {
  name?: string;
  apiVersion?: string;
  dependencies?: ChartDependency[];
}

/** `name=value` for --set, with helm's separators in the value escaped. */
function setArg(name: string, value: string): string {
  return `${name}=${value.replaceAll('\\', '\\\\').replaceAll(',', '\\,')}`;
}

/** A value file is optional when it came from a template such as `values-${env}.yaml`. */
function substitute(file: string, app: AppSpec): { file: string; optional: boolean } {
  const templated = file.includes('${');
  const optional = templated || (app.helm.optionalValueFiles ?? []).includes(file);
  // biome-ignore lint/suspicious/noTemplateCurlyInString: syncwave's own ${env} placeholder, not a JS template
  return { file: file.replaceAll('${env}', app.env.name).replaceAll('${branch}', app.env.branch), optional };
}

/**
 * `helm template <release> <chart> --namespace <ns> --include-crds` with the app's value files,
 * inline values (a temporary values file) and parameters (--set, last). Dependencies are
 * prepared first (see prepareChart). A failure names the template helm blames and quotes helm.
 */
export async function renderHelm(input: RenderHelmInput): Promise<Rendered> {
  const { app, repoDir, appDir } = input;
  const chartPath = repoRelative(repoDir, appDir);
  const chartYamlPath = join(appDir, 'Chart.yaml');
  const { limits } = input;
  const yamlOpts = { maxAliasCount: limits.maxAliasCount };
  const chartRead = await readRepoFile(repoDir, chartYamlPath, { maxBytes: limits.maxFileBytes });
  if (!chartRead.ok) return chartRead;
  let chart: ChartFile;
  try {
    chart = (parse(chartRead.text, yamlOpts) as ChartFile | null) ?? {};
  } catch (cause) {
    return {
      ok: false,
      failure: { reason: 'yaml-syntax', file: `${chartPath}/Chart.yaml`, detail: (cause as Error).message },
    };
  }
  let dependencies = chart.dependencies ?? [];
  if (chart.apiVersion === 'v1' && dependencies.length === 0) {
    const req = await readRepoFile(repoDir, join(appDir, 'requirements.yaml'), {
      maxBytes: limits.maxFileBytes,
    });
    if (!req.ok && !req.missing) return req;
    try {
      dependencies = (req.ok && (parse(req.text, yamlOpts) as ChartFile | null)?.dependencies) || [];
    } catch (cause) {
      return {
        ok: false,
        failure: {
          reason: 'yaml-syntax',
          file: `${chartPath}/requirements.yaml`,
          detail: (cause as Error).message,
        },
      };
    }
  }
  const ctx = { chartName: chart.name ?? 'chart', chartPath };

  const args = ['template', app.helm.releaseName, '', '--namespace', app.namespace];
  args.push(app.helm.skipCrds ? '--skip-crds' : '--include-crds');
  if (input.kubeVersion) args.push('--kube-version', input.kubeVersion);
  for (const raw of app.helm.valueFiles) {
    const { file, optional } = substitute(raw, app);
    const abs = resolveInside(repoDir, appDir, file);
    if (!abs) {
      return {
        ok: false,
        failure: { reason: 'path-outside-repo', file: `${chartPath}/${file}`, detail: `value file ${file}` },
      };
    }
    const read = await readRepoFile(repoDir, abs, { maxBytes: limits.maxFileBytes });
    if (!read.ok && read.missing) {
      if (optional) continue;
      const rel = repoRelative(repoDir, abs);
      return {
        ok: false,
        failure: { reason: 'value-file-missing', file: rel, detail: `value file ${file} does not exist` },
      };
    }
    if (!read.ok) return read;
    args.push('--values', abs);
  }

  const scratch = join(input.cacheDir, 'helm', 'work');
  await mkdir(scratch, { recursive: true });
  const workDir = await mkdtemp(join(scratch, 'render-'));
  try {
    if (Object.keys(app.helm.values).length > 0) {
      const inline = join(workDir, 'inline-values.yaml');
      await writeFile(inline, stringify(app.helm.values));
      args.push('--values', inline);
    }
    for (const p of app.helm.parameters)
      args.push(p.forceString ? '--set-string' : '--set', setArg(p.name, p.value));

    const prepared = await prepareChart({
      repoDir,
      chartDir: appDir,
      chartPath,
      dependencies,
      tools: input.tools,
      cacheDir: input.cacheDir,
      workDir,
      limits,
    });
    if (!prepared.ok) return prepared;
    args[2] = prepared.chartDir;

    const res = await input.tools.run('helm', args, {
      cwd: appDir,
      timeoutMs: limits.toolTimeoutMs,
      maxOutputBytes: limits.maxRenderedBytes,
    });
    const stopped = toolStopped(res, 'helm template', `${chartPath}/Chart.yaml`);
    if (stopped) return { ok: false, failure: stopped };
    const scrub = (s: string) =>
      scrubPaths(s, [
        [prepared.chartDir, chartPath],
        [repoDir, '.'],
      ]);
    if (res.code !== 0) return { ok: false, failure: helmFailure(scrub(res.stderr), ctx) };
    return parseManifests(res.stdout, {
      file: `${chartPath}/Chart.yaml`,
      maxAliasCount: limits.maxAliasCount,
      maxObjects: limits.maxObjects,
      sourceOf: (comment) => {
        const m = /Source:\s*(\S+)/.exec(comment);
        return m?.[1] ? chartFileToRepoPath(m[1], ctx) : undefined;
      },
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
