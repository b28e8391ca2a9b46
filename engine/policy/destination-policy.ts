import { parse } from 'yaml';
import { z } from 'zod';

/** Where one environment's apps may write, as Argo CD's AppProject `destinations` and `clusterResourceWhitelist`. */
export interface DestinationPolicy {
  /** Namespace globs a namespaced object (and an app's destination namespace) must match. */
  namespaces: string[];
  /** `group/Kind` globs a cluster-scoped object must match (`''` is the core group: `/Namespace`). */
  clusterResources: Array<{ group: string; kind: string }>;
}

/** The operator's policy file: per environment; an environment not listed may write nowhere. */
export interface PolicySet {
  /** Names the file in messages. */
  source: string;
  environments: Record<string, DestinationPolicy>;
}

const GROUP_KIND_HINT =
  'write group/Kind (rbac.authorization.k8s.io/ClusterRole, /Namespace for the core group) or { group, kind }';

/** `group/Kind` or `{ group, kind }`. */
const groupKind = z.unknown().transform((value, ctx): { group: string; kind: string } => {
  if (typeof value === 'string' && /^[^/]*\/[^/]+$/.test(value)) {
    const slash = value.indexOf('/');
    return { group: value.slice(0, slash), kind: value.slice(slash + 1) };
  }
  const o = value as { group?: unknown; kind?: unknown } | null;
  if (o && typeof o === 'object' && typeof o.group === 'string' && typeof o.kind === 'string' && o.kind)
    return { group: o.group, kind: o.kind };
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${GROUP_KIND_HINT}` });
  return z.NEVER;
});

/** One environment's rules, in the operator's file and (narrowing only) in syncwave.yaml. */
export const destinationPolicySchema = z.strictObject({
  namespaces: z.array(z.string().min(1)).default([]),
  clusterResources: z.array(groupKind).default([]),
});

const fileSchema = z.strictObject({ environments: z.record(z.string(), destinationPolicySchema) });

export type ParsePolicyResult = { ok: true; policy: PolicySet } | { ok: false; message: string };

/**
 * Reads a policy file:
 *
 * ```yaml
 * environments:
 *   dev:
 *     namespaces: ["dev-*"]
 *     clusterResources: ["/Namespace"]
 *   prod:
 *     namespaces: ["prod-*", "monitoring"]
 *     clusterResources: [{ group: rbac.authorization.k8s.io, kind: ClusterRole }]
 * ```
 */
export function parseDestinationPolicy(text: string, source: string): ParsePolicyResult {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 50 });
  } catch (err) {
    return { ok: false, message: `${source}: not YAML: ${(err as Error).message}` };
  }
  const parsed = fileSchema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    return { ok: false, message: `${source}: ${issues.join('; ')}` };
  }
  return { ok: true, policy: { source, environments: parsed.data.environments } };
}
