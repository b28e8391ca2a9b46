import type { ToolRunner } from '../ports.ts';
import { downloadFailure, type Located } from './chart-location.ts';
import { isExactVersion, pickChartVersion } from './chart-version.ts';
import type { RenderLimits } from './render-limits.ts';

/** The layer `helm push` stores a chart archive in. */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/**
 * Plain http only for registries on loopback, as Docker and Helm treat `localhost` registries
 * (and loopback is reachable at all only when the operator's render network policy allows it);
 * every other registry is https.
 */
function registryBase(host: string): string {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const loopback = name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1';
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/**
 * A chart version in an OCI registry, by the distribution API as `helm pull oci://...` does:
 * a range is resolved against `/v2/<repo>/tags/list` (Helm writes `+` in versions as `_` in
 * tags), then the tag's OCI manifest names the chart layer, whose digest and size the archive
 * (`/v2/<repo>/blobs/<digest>`) must have. `registry` is `host[:port][/path]`.
 */
export async function locateOciChart(
  input: { registry: string; name: string; version: string; file: string },
  deps: { tools: Required<Pick<ToolRunner, 'download'>>; limits: RenderLimits },
): Promise<Located> {
  const { file } = input;
  const [host, ...path] = input.registry.split('/');
  const repository = [...path, input.name].filter(Boolean).join('/');
  const api = `${registryBase(host ?? '')}/v2/${repository}`;
  const fail = (detail: string): Located => ({
    ok: false,
    failure: { reason: 'chart-fetch-failed', file, detail },
  });
  const json = async (url: string, accept: string) => {
    const res = await deps.tools.download(url, {
      maxBytes: deps.limits.maxChartBytes,
      timeoutMs: deps.limits.toolTimeoutMs,
      accept,
    });
    if (!res.ok) return res;
    try {
      return { ok: true as const, value: JSON.parse(res.body.toString('utf8')) as unknown };
    } catch {
      return { ok: false as const, reason: 'failed' as const, detail: `${url}: the answer is not JSON` };
    }
  };

  let version = input.version.trim();
  if (!isExactVersion(version)) {
    const tags = await json(`${api}/tags/list`, 'application/json');
    if (!tags.ok) return { ok: false, failure: downloadFailure(file, tags) };
    const listed = (tags.value as { tags?: unknown } | null)?.tags;
    const offered = Array.isArray(listed) ? listed.map((t) => String(t).replaceAll('_', '+')) : [];
    const picked = pickChartVersion(offered, version);
    if (picked === undefined)
      return fail(
        `no tag of oci://${input.registry}/${input.name} matches "${input.version}" (tags: ${offered.slice(0, 5).join(', ') || 'none'})`,
      );
    version = picked;
  }
  const manifest = await json(`${api}/manifests/${version.replaceAll('+', '_')}`, OCI_MANIFEST);
  if (!manifest.ok) return { ok: false, failure: downloadFailure(file, manifest) };
  const layers = (manifest.value as { layers?: unknown } | null)?.layers;
  const layer = (Array.isArray(layers) ? layers : []).find(
    (l): l is { digest: string; size?: unknown } =>
      (l as { mediaType?: unknown })?.mediaType === HELM_CHART_LAYER &&
      typeof (l as { digest?: unknown }).digest === 'string',
  );
  if (!layer)
    return fail(
      `oci://${input.registry}/${input.name}:${version} holds no Helm chart layer (${HELM_CHART_LAYER})`,
    );
  const m = /^sha256:([0-9a-f]{64})$/.exec(layer.digest);
  if (!m)
    return fail(
      `oci://${input.registry}/${input.name}:${version}: layer digest ${layer.digest} is not a sha256`,
    );
  return {
    ok: true,
    location: {
      version,
      archiveUrl: `${api}/blobs/${layer.digest}`,
      sha256: m[1] as string,
      ...(typeof layer.size === 'number' ? { size: layer.size } : {}),
    },
  };
}
