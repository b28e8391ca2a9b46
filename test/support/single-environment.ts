/**
 * examples/syncwave.yaml rewritten for one test environment on the test control plane: `dev`
 * renamed to `env` (bound to `context`, namespaces prefixed `env-`), `prod` dropped, and the
 * `values-${env}.yaml` files pinned to dev's.
 */
export function singleEnvironmentConfig(text: string, opts: { env: string; context: string }): string {
  const { env, context } = opts;
  return text
    .replace(/^ {2}dev: .*$/m, `  ${env}: { branch: develop, cluster: ${context}, namespacePrefix: ${env}- }`)
    .replace(/^ {2}prod: .*$/m, '')
    .replaceAll('values-${env}.yaml', 'values-dev.yaml');
}
