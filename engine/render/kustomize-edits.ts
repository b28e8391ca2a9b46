import type { KustomizeSource } from '../app-spec.ts';
import { envsubst } from './envsubst.ts';

type Kustomization = Record<string, unknown>;

interface Image {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export type KustomizeEdited = { ok: true; kustomization: Kustomization } | { ok: false; detail: string };

const PRESERVE = '*';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** kustomize's image.Split: a registry host's port is not a tag. */
function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const offset = Math.max(slash, 0);
  const search = image.slice(offset);
  const at = search.indexOf('@');
  const colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0))
    return { name: image.slice(0, offset + at), tag: '', digest: image.slice(offset + at + 1) };
  if (at >= 0)
    return {
      name: image.slice(0, offset + colon),
      tag: image.slice(offset + colon + 1, offset + at),
      digest: image.slice(offset + at + 1),
    };
  return { name: image.slice(0, offset + colon), tag: image.slice(offset + colon + 1), digest: '' };
}

/** One `kustomize edit set image` argument: `name=newName[:tag][@digest]`, `name:tag`, `name@digest`. */
function parseImage(arg: string): Image | undefined {
  const eq = arg.indexOf('=');
  const key = eq >= 0 ? arg.slice(0, eq) : '';
  const value = eq >= 0 ? arg.slice(eq + 1) : arg;
  const { name, tag, digest } = splitImage(value);
  if (name === arg) return undefined;
  const image: Image = key ? { name: key, newName: name } : { name };
  if (tag) image.newTag = tag;
  if (digest) image.digest = digest;
  return image;
}

function clean(image: Image): Image {
  const out: Image = { name: image.name };
  for (const field of ['newName', 'newTag', 'digest'] as const) {
    const v = image[field];
    if (v && v !== PRESERVE) out[field] = v;
  }
  return out;
}

/** `kustomize edit set image`: upsert by name, `*` keeps the kustomization's value, sorted by name. */
function setImages(k: Kustomization, args: readonly string[]): string | undefined {
  const given = new Map<string, Image>();
  for (const arg of args) {
    const image = parseImage(arg);
    if (!image)
      return `images: "${arg}" is not an image edit; write name=newName:tag, name:tag, name@digest or name=newName`;
    given.set(image.name, image);
  }
  const existing = (Array.isArray(k.images) ? k.images : []) as Image[];
  for (const im of existing) {
    const arg = given.get(im.name);
    if (!arg) {
      given.set(im.name, im);
      continue;
    }
    given.set(im.name, {
      name: im.name,
      newName: arg.newName === PRESERVE ? im.newName : arg.newName,
      newTag: arg.newTag === PRESERVE ? im.newTag : arg.newTag,
      digest: arg.digest === PRESERVE ? im.digest : arg.digest,
    });
  }
  k.images = [...given.values()].map(clean).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return undefined;
}

/** `kustomize edit set replicas`: upsert by name, sorted by name. */
function setReplicas(k: Kustomization, replicas: KustomizeSource['replicas']): void {
  const byName = new Map<string, { name: string; count: number }>();
  for (const r of replicas) byName.set(r.name, { name: r.name, count: r.count });
  for (const r of (Array.isArray(k.replicas) ? k.replicas : []) as Array<{ name: string; count: number }>)
    if (!byName.has(r.name)) byName.set(r.name, r);
  k.replicas = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function addToMap(
  map: Record<string, string>,
  pairs: Record<string, string>,
  what: { kind: 'label' | 'annotation'; force: boolean; option: string },
): string | undefined {
  for (const [key, value] of Object.entries(pairs)) {
    if (Object.hasOwn(map, key) && !what.force)
      return `${what.kind} ${key} is already set in the kustomization; set ${what.option}: true to override it`;
    map[key] = value;
  }
  return undefined;
}

interface LabelEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
}

/** `kustomize edit add label --without-selector [--include-templates]`: into `labels:`. */
function addLabelsWithoutSelector(
  k: Kustomization,
  pairs: Record<string, string>,
  opts: { force: boolean; includeTemplates: boolean },
): string | undefined {
  const labels = (Array.isArray(k.labels) ? k.labels : []) as LabelEntry[];
  const matches = (l: LabelEntry) =>
    !l.includeSelectors && Boolean(l.includeTemplates) === opts.includeTemplates;
  let entry = labels.find(matches);
  if (!entry) {
    entry = { pairs: {}, ...(opts.includeTemplates ? { includeTemplates: true } : {}) };
    labels.push(entry);
  }
  entry.pairs ??= {};
  k.labels = labels;
  return addToMap(entry.pairs, pairs, { kind: 'label', force: opts.force, option: 'forceCommonLabels' });
}

function substituted(map: Record<string, string>, vars: Readonly<Record<string, string>>) {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, envsubst(value, vars)]));
}

/**
 * The app's kustomization with Argo CD's `spec.source.kustomize` applied, in Argo CD's order and
 * with `kustomize edit`'s semantics (written here: kubectl has no `kustomize edit`): namePrefix,
 * nameSuffix and namespace replace the kustomization's; images and replicas are upserted by name;
 * commonLabels and commonAnnotations are added, and one the kustomization already sets is an
 * error unless forced; patches are appended; components are added once each. `${ARGOCD_APP_*}`
 * in images and commonLabels (and commonAnnotations with commonAnnotationsEnvsubst) is
 * substituted from `vars`. Components must have been checked (inside the repository, present)
 * by the caller: `components` is the list to add.
 */
export function editKustomization(
  original: Kustomization,
  edits: KustomizeSource,
  ctx: { vars: Readonly<Record<string, string>>; components: readonly string[] },
): KustomizeEdited {
  const k = structuredClone(original);
  const fail = (detail: string): KustomizeEdited => ({
    ok: false,
    detail: `spec.source.kustomize.${detail}`,
  });
  if (edits.namePrefix) k.namePrefix = edits.namePrefix;
  if (edits.nameSuffix) k.nameSuffix = edits.nameSuffix;
  if (edits.images.length) {
    const problem = setImages(
      k,
      edits.images.map((i) => envsubst(i, ctx.vars)),
    );
    if (problem) return fail(problem);
  }
  if (edits.replicas.length) setReplicas(k, edits.replicas);
  if (Object.keys(edits.commonLabels).length) {
    const labels = substituted(edits.commonLabels, ctx.vars);
    if (!edits.labelWithoutSelector) k.commonLabels ??= {};
    const problem = edits.labelWithoutSelector
      ? addLabelsWithoutSelector(k, labels, {
          force: edits.forceCommonLabels,
          includeTemplates: edits.labelIncludeTemplates,
        })
      : addToMap(k.commonLabels as Record<string, string>, labels, {
          kind: 'label',
          force: edits.forceCommonLabels,
          option: 'forceCommonLabels',
        });
    if (problem) return fail(`commonLabels: ${problem}`);
  }
  if (Object.keys(edits.commonAnnotations).length) {
    const annotations = edits.commonAnnotationsEnvsubst
      ? substituted(edits.commonAnnotations, ctx.vars)
      : edits.commonAnnotations;
    k.commonAnnotations ??= {};
    const problem = addToMap(k.commonAnnotations as Record<string, string>, annotations, {
      kind: 'annotation',
      force: edits.forceCommonAnnotations,
      option: 'forceCommonAnnotations',
    });
    if (problem) return fail(`commonAnnotations: ${problem}`);
  }
  if (edits.namespace) {
    if (!DNS_LABEL.test(edits.namespace) || edits.namespace.length > 63)
      return fail(`namespace: "${edits.namespace}" is not a valid namespace name (a lowercase DNS label)`);
    k.namespace = edits.namespace;
  }
  if (edits.patches.length) {
    if (k.patches !== undefined && !Array.isArray(k.patches))
      return fail("patches: the kustomization's patches is not a list");
    k.patches = [...((k.patches as unknown[] | undefined) ?? []), ...structuredClone(edits.patches)];
  }
  if (ctx.components.length) {
    const components = (Array.isArray(k.components) ? k.components : []) as string[];
    for (const c of ctx.components) if (!components.includes(c)) components.push(c);
    k.components = components;
  }
  return { ok: true, kustomization: k };
}
