import type { AppSpec } from '../app-spec.ts';

export interface PreflightInput {
  app: Pick<AppSpec, 'path' | 'syncPolicy'>;
  /** Objects the render produced, and objects the app owns now. */
  desiredCount: number;
  inventoryCount: number;
  /** Namespaces the objects need that neither exist nor are created by this sync. */
  missingNamespaces: readonly string[];
  /** Objects the API server refused in the dry run. */
  rejected: ReadonlyArray<{ key: string; message: string }>;
  /** True before anything of this sync was applied (a continued sync is past its preflight). */
  firstStep: boolean;
}

/**
 * The preflight stage of a sync: why nothing may be applied, or undefined to go on. A sync
 * that fails here leaves the cluster as it was. Pure: its inputs are read before.
 */
export function preflightProblem(input: PreflightInput): string | undefined {
  const { app } = input;
  if (input.desiredCount === 0 && input.inventoryCount > 0 && !app.syncPolicy.automated?.allowEmpty)
    return `render of ${app.path} produced no objects; refusing to prune all ${input.inventoryCount} objects of the app (set syncPolicy.automated.allowEmpty: true if this is intended)`;
  if (input.missingNamespaces.length)
    return `nothing applied: namespace ${input.missingNamespaces.join(', ')} does not exist; add CreateNamespace=true to the app's syncPolicy.syncOptions or a Namespace manifest to ${app.path}`;
  if (input.firstStep && input.rejected.length)
    return `nothing applied: the API server rejects ${input.rejected.length} object(s): ${input.rejected.map((r) => r.message).join('; ')}`;
  return undefined;
}
