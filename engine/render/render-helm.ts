import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { AppSpec } from '../app-spec.ts';
import type { ToolRunner } from '../ports.ts';
import type { Rendered } from './errors.ts';
import { type ChartDependency, prepareChart } from './helm-dependencies.ts';
import { chartFileToRepoPath, helmFailure } from './helm-error.ts';
import { parseManifests } from './parse-manifests.ts';
import { repoRelative, resolveInside, scrubPaths } from './repo-path.ts';

export interface RenderHelmInput {
  app: AppSpec;
  repoDir: string;
  appDir: string;
  tools: ToolRunner;
  cacheDir: string;
  /** Passed as --kube-version (Capabilities.KubeVersion) when given. */
  kubeVersion?: string;
}

interface ChartFile {
  name?: string;
  apiVersion?: string;
  dependencies?: ChartDependency[];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
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
  let chart: ChartFile;
  try {
    chart = (parse(await readFile(chartYamlPath, 'utf8')) as ChartFile | null) ?? {};
  } catch (cause) {
    return {
      ok: false,
      failure: { reason: 'yaml-syntax', file: `${chartPath}/Chart.yaml`, detail: (cause as Error).message },
    };
  }
  let dependencies = chart.dependencies ?? [];
  if (chart.apiVersion === 'v1' && dependencies.length === 0) {
    const req = await readFile(join(appDir, 'requirements.yaml'), 'utf8').catch(() => undefined);
    dependencies = (req && (parse(req) as ChartFile | null)?.dependencies) || [];
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
    if (!(await exists(abs))) {
      if (optional) continue;
      const rel = repoRelative(repoDir, abs);
      return {
        ok: false,
        failure: { reason: 'value-file-missing', file: rel, detail: `value file ${file} does not exist` },
      };
    }
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
    for (const p of app.helm.parameters) args.push('--set', setArg(p.name, p.value));

    const prepared = await prepareChart({
      repoDir,
      chartDir: appDir,
      chartPath,
      dependencies,
      tools: input.tools,
      cacheDir: input.cacheDir,
      workDir,
    });
    if (!prepared.ok) return prepared;
    args[2] = prepared.chartDir;

    const res = await input.tools.run('helm', args, { cwd: appDir });
    const scrub = (s: string) =>
      scrubPaths(s, [
        [prepared.chartDir, chartPath],
        [repoDir, '.'],
      ]);
    if (res.code !== 0) return { ok: false, failure: helmFailure(scrub(res.stderr), ctx) };
    return parseManifests(res.stdout, {
      file: `${chartPath}/Chart.yaml`,
      sourceOf: (comment) => {
        const m = /Source:\s*(\S+)/.exec(comment);
        return m?.[1] ? chartFileToRepoPath(m[1], ctx) : undefined;
      },
    });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
