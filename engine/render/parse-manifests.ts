import { Composer, LineCounter, Parser } from 'yaml';
import type { KubeObject } from '../model.ts';
import type { Rendered, RenderFailure } from './errors.ts';
import { DEFAULT_RENDER_LIMITS } from './render-limits.ts';

export interface ParseManifestsOptions {
  /** Repository-relative file the text came from, for errors. */
  file: string;
  /**
   * For tool output: maps helm's `# Source: chart/templates/x.yaml` comment of a document to a
   * repository path, so errors name the template rather than "helm output".
   */
  sourceOf?: (comment: string) => string | undefined;
  /** Aliases resolved per document (yaml's alias-bomb guard); DEFAULT_RENDER_LIMITS.maxAliasCount unless told. */
  maxAliasCount?: number;
  /** More objects than this fail the parse (naming the file and the limit); unlimited unless told. */
  maxObjects?: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isManifest(v: unknown): v is KubeObject {
  return isRecord(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

/**
 * Multi-document YAML (or JSON) to Kubernetes objects. Empty documents and documents that are
 * not manifests (no apiVersion/kind, e.g. a values file) are skipped; `*List` kinds are
 * flattened into their items. A syntax error fails with the file and line. Documents are
 * composed one at a time, so a text of 130,000 documents stops at the object limit instead of
 * being parsed whole first.
 */
export function parseManifests(text: string, opts: ParseManifestsOptions): Rendered {
  const lines = new LineCounter();
  const docs = new Composer({ merge: true, uniqueKeys: false }).compose(
    new Parser(lines.addNewLine).parse(text),
    true,
    text.length,
  );
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    const comment = doc.commentBefore ?? doc.contents?.commentBefore;
    const file = (opts.sourceOf && comment && opts.sourceOf(comment)) || opts.file;
    const error = doc.errors[0];
    if (error) {
      return {
        ok: false,
        failure: {
          reason: 'yaml-syntax',
          file,
          line: lines.linePos(error.pos[0]).line,
          detail: (error.message.split('\n')[0] ?? error.message).replace(/:$/, ''),
        },
      };
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: opts.maxAliasCount ?? DEFAULT_RENDER_LIMITS.maxAliasCount });
    } catch (cause) {
      return { ok: false, failure: aliasFailure(cause, file, opts.maxAliasCount) };
    }
    if (!isManifest(value)) continue;
    const items = value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (!isManifest(item)) continue;
      const metadata = isRecord(item.metadata) ? item.metadata : undefined;
      if (!metadata || (typeof metadata.name !== 'string' && typeof metadata.generateName !== 'string')) {
        return {
          ok: false,
          failure: { reason: 'invalid-manifest', file, detail: `${item.kind} has no metadata.name` },
        };
      }
      objects.push(item);
      if (opts.maxObjects !== undefined && objects.length > opts.maxObjects) {
        return {
          ok: false,
          failure: {
            reason: 'limit-exceeded',
            file: opts.file,
            detail: `more objects than the limit of ${opts.maxObjects} per app`,
          },
        };
      }
    }
  }
  return { ok: true, objects };
}

/** yaml throws a ReferenceError on an alias bomb: say which limit it hit. */
function aliasFailure(cause: unknown, file: string, max?: number): RenderFailure {
  const message = (cause as Error).message;
  if (/alias/i.test(message)) {
    const limit = max ?? DEFAULT_RENDER_LIMITS.maxAliasCount;
    return {
      reason: 'limit-exceeded',
      file,
      detail: `YAML aliases expand past the limit of ${limit}: ${message}`,
    };
  }
  return { reason: 'yaml-syntax', file, detail: message };
}
