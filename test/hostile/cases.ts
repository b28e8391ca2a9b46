// The hostile repository corpus: each case is a small GitOps repository written by us that
// tries one way out of the checkout jail, past a limit, or onto the network, and the file its
// failure must name. `{outside}` in a link or file is a directory outside the checkout full of
// canary secrets; `{internal}` is an HTTP service on loopback that must never be reached.

export interface HostileCase {
  name: string;
  /** The syncwave.yaml `apps:` list (YAML), or the whole syncwave.yaml when `config` is set. */
  apps?: string;
  config?: string;
  files: Record<string, string>;
  /** Symlinks to create: path in the repository -> target. */
  links?: Record<string, string>;
  /** The repository file the failure must name. */
  names: string;
  /** Where it fails: loading syncwave.yaml, or rendering an app. */
  stage: 'config' | 'render';
  /** The render error's reason, for render-stage cases. */
  reason?: string;
}

const chartYaml = (name: string, deps = '') =>
  `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${deps ? `dependencies:\n${deps}` : ''}`;

const configMap = (name: string, data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}\n`;

/** A billion-laughs document: nine levels of nine aliases each. */
function aliasBomb(prefix: string): string {
  const lines = [`${prefix}a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < 9; i++)
    lines.push(
      `${prefix}a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n`;
}

export const HOSTILE_CASES: HostileCase[] = [
  {
    name: 'Files.Get of a symlink to /proc/self/environ',
    apps: '  - { name: leak, path: apps/leak, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/leak/Chart.yaml': chartYaml('leak'),
      'apps/leak/templates/cm.yaml': configMap('leak', '  env: {{ .Files.Get "leak.txt" | quote }}'),
    },
    links: { 'apps/leak/leak.txt': '/proc/self/environ' },
    names: 'apps/leak/leak.txt',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'fail (.Files.Get ...) of a symlink outside, to put the secret in the error',
    apps: '  - { name: fail, path: apps/fail, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/fail/Chart.yaml': chartYaml('fail'),
      'apps/fail/templates/cm.yaml': '{{ fail (.Files.Get "files/secret.yaml") }}\n',
    },
    links: { 'apps/fail/files': '{up}{outside-noslash}' },
    names: 'apps/fail/files',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'symlinked app path',
    apps: '  - { name: evil, path: apps/evil, syncPolicy: { automated: { prune: true } } }',
    files: { 'apps/good/cm.yaml': configMap('good', '  a: "1"') },
    links: { 'apps/evil': '{outside}' },
    names: 'apps/evil',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'symlinked values file',
    apps: '  - { name: vals, path: apps/vals, syncPolicy: { automated: { prune: true } }, helm: { valueFiles: [values-leak.yaml] } }',
    files: {
      'apps/vals/Chart.yaml': chartYaml('vals'),
      'apps/vals/templates/cm.yaml': configMap('vals', '  leak: {{ .Values.leak | quote }}'),
    },
    links: { 'apps/vals/values-leak.yaml': '{outside}/values.yaml' },
    names: 'apps/vals/values-leak.yaml',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'symlinked template',
    apps: '  - { name: tpl, path: apps/tpl, syncPolicy: { automated: { prune: true } } }',
    files: { 'apps/tpl/Chart.yaml': chartYaml('tpl') },
    links: { 'apps/tpl/templates': '{outside}/templates' },
    names: 'apps/tpl/templates',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'file:// subchart outside the repository',
    apps: '  - { name: parent, path: apps/parent, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/parent/Chart.yaml': chartYaml(
        'parent',
        '  - { name: child, version: 0.1.0, repository: "file://{up}{outside-noslash}/chart" }\n',
      ),
      'apps/parent/templates/cm.yaml': configMap('parent', '  a: "1"'),
    },
    names: 'apps/parent/Chart.yaml',
    stage: 'render',
    reason: 'tool-failed',
  },
  {
    name: 'file:// subchart through a symlink',
    apps: '  - { name: parent, path: apps/parent, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/parent/Chart.yaml': chartYaml(
        'parent',
        '  - { name: child, version: 0.1.0, repository: "file://../shared" }\n',
      ),
      'apps/parent/templates/cm.yaml': configMap('parent', '  a: "1"'),
    },
    links: { 'apps/shared': '{outside}/chart' },
    names: 'apps/shared',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'applications: glob with ../',
    config:
      'environments:\n  {env}: { branch: develop, cluster: test, namespacePrefix: {prefix} }\napplications: ["../*/application.yaml"]\n',
    files: {},
    names: 'syncwave.yaml',
    stage: 'config',
  },
  {
    name: 'syncwave.yaml a symlink to /proc/self/environ',
    config: '',
    files: {},
    links: { 'syncwave.yaml': '/proc/self/environ' },
    names: 'syncwave.yaml',
    stage: 'config',
  },
  {
    name: 'kustomize resource ../../etc',
    apps: '  - { name: kus, path: apps/kus, syncPolicy: { automated: { prune: true } } }',
    files: { 'apps/kus/kustomization.yaml': 'resources:\n  - ../../../../../../../../etc\n' },
    names: 'apps/kus/kustomization.yaml',
    stage: 'render',
    reason: 'path-outside-repo',
  },
  {
    name: 'kustomize resource that is a symlink to /proc/self/environ',
    apps: '  - { name: kus, path: apps/kus, syncPolicy: { automated: { prune: true } } }',
    files: { 'apps/kus/kustomization.yaml': 'resources:\n  - leak.yaml\n' },
    links: { 'apps/kus/leak.yaml': '/proc/self/environ' },
    names: 'apps/kus/leak.yaml',
    stage: 'render',
    reason: 'symlink-outside-repo',
  },
  {
    name: 'kustomize remote base (git, absent for renderers)',
    apps: '  - { name: remote, path: apps/remote, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/remote/kustomization.yaml':
        'resources:\n  - github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v1.0.6\n',
    },
    names: 'apps/remote/kustomization.yaml',
    stage: 'render',
  },
  {
    name: 'kustomize remote resource on loopback',
    apps: '  - { name: remote, path: apps/remote, syncPolicy: { automated: { prune: true } } }',
    files: { 'apps/remote/kustomization.yaml': 'resources:\n  - {internal}/cm.yaml\n' },
    names: 'apps/remote/kustomization.yaml',
    stage: 'render',
    reason: 'network-refused',
  },
  {
    name: 'helm dependency repository on loopback (127.0.0.1)',
    apps: '  - { name: dep, path: apps/dep, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/dep/Chart.yaml': chartYaml(
        'dep',
        '  - { name: redis, version: 18.1.0, repository: "{internal}" }\n',
      ),
    },
    names: 'apps/dep/Chart.yaml',
    stage: 'render',
    reason: 'network-refused',
  },
  {
    name: 'helm dependency repository on loopback by name (localhost)',
    apps: '  - { name: dep, path: apps/dep, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/dep/Chart.yaml': chartYaml(
        'dep',
        '  - { name: redis, version: 18.1.0, repository: "{internal-localhost}" }\n',
      ),
    },
    names: 'apps/dep/Chart.yaml',
    stage: 'render',
    reason: 'network-refused',
  },
  {
    name: 'helm dependency repository at the instance metadata address (169.254.169.254)',
    apps: '  - { name: dep, path: apps/dep, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/dep/Chart.yaml': chartYaml(
        'dep',
        '  - { name: redis, version: 18.1.0, repository: "http://169.254.169.254/latest/meta-data" }\n',
      ),
    },
    names: 'apps/dep/Chart.yaml',
    stage: 'render',
    reason: 'network-refused',
  },
  {
    name: 'alias bomb in syncwave.yaml',
    config: `${aliasBomb('x-')}environments:\n  {env}: { branch: develop, cluster: test, namespacePrefix: {prefix} }\napps: []\n`,
    files: {},
    names: 'syncwave.yaml',
    stage: 'config',
  },
  {
    name: 'alias bomb in a manifest',
    apps: '  - { name: bomb, path: apps/bomb, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/bomb/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\nx:\n${aliasBomb('  ')}`,
    },
    names: 'apps/bomb/cm.yaml',
    stage: 'render',
    reason: 'limit-exceeded',
  },
  {
    name: 'too many documents',
    apps: '  - { name: many, path: apps/many, syncPolicy: { automated: { prune: true } } }',
    files: {
      'apps/many/cms.yaml': Array.from(
        { length: 10_001 },
        (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`,
      ).join('---\n'),
    },
    names: 'apps/many/cms.yaml',
    stage: 'render',
    reason: 'limit-exceeded',
  },
];

/** The 100 MB manifest case: built separately (a sparse file), so the corpus stays cheap to list. */
export const HUGE_MANIFEST_BYTES = 100 * 1024 * 1024;
