import type { SourceType } from '../app-spec.ts';
import type { KubeObject } from '../model.ts';

/** Why an app could not be rendered. A closed set: each has its own next step. */
export type RenderErrorReason =
  | 'app-path-missing'
  | 'path-outside-repo'
  | 'symlink-outside-repo'
  | 'limit-exceeded'
  | 'network-refused'
  | 'chart-fetch-failed'
  | 'value-file-missing'
  | 'yaml-syntax'
  | 'invalid-manifest'
  | 'duplicate-object'
  | 'tool-failed';

/** A render that failed, as data: names the app, the file at fault and the tool's own message. */
export interface RenderError {
  env: string;
  app: string;
  sourceType?: SourceType;
  reason: RenderErrorReason;
  /** Repository-relative path of the file at fault, when known. */
  file?: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  /** The tool's or parser's own words (helm/kubectl stderr, trimmed; the YAML parser's message). */
  detail: string;
  /** One line a person can act on: where, what, the tool's words, what to do next. */
  message: string;
}

export type RenderResult =
  | { ok: true; objects: KubeObject[]; sourceType: SourceType }
  | { ok: false; error: RenderError };

/** What a source renderer reports; renderApp adds the app, the environment and the message. */
export type RenderFailure = Pick<RenderError, 'reason' | 'file' | 'line' | 'detail'>;

/** A source renderer's answer. */
export type Rendered = { ok: true; objects: KubeObject[] } | { ok: false; failure: RenderFailure };

const NEXT_STEP: Record<RenderErrorReason, string> = {
  'app-path-missing': 'check the app path in syncwave.yaml against the repository',
  'path-outside-repo': 'keep app paths and value files inside the repository',
  'symlink-outside-repo':
    'replace the symlink with the file itself, or point it at a path inside the repository (absolute links are never followed)',
  'limit-exceeded':
    'make the app smaller (split it into several apps), or ask the operator to raise the limit',
  'network-refused':
    'renders may only reach destinations the operator allows; vendor the chart or resource into the repository, or ask the operator to allow the host',
  'chart-fetch-failed':
    "check chart, repoURL and targetRevision (a version or a range); a repository that needs credentials needs them in the operator's SYNCWAVE_CHART_CREDENTIALS",
  'value-file-missing': 'add the file or remove it from helm.valueFiles',
  'yaml-syntax': 'fix the YAML and push again',
  'invalid-manifest': 'fix the manifest and push again',
  'duplicate-object': 'remove one of the two definitions',
  'tool-failed': 'fix the source and push again (reproduce locally with the same command)',
};

/** The full RenderError for an app, with a message in the shape `app env/name: file:line: what: detail; next step`. */
export function renderError(
  app: { env: string; name: string; sourceType?: SourceType },
  failure: RenderFailure,
): RenderError {
  const where = failure.file ? `${failure.file}${failure.line ? `:${failure.line}` : ''}: ` : '';
  const what = failure.reason.replaceAll('-', ' ');
  return {
    env: app.env,
    app: app.name,
    sourceType: app.sourceType,
    ...failure,
    message: `app ${app.env}/${app.name}: ${where}${what}: ${failure.detail}; ${NEXT_STEP[failure.reason]}`,
  };
}
