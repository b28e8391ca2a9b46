import type { KubeObject } from '../model.ts';

/** A core/v1 Event or an events.k8s.io/v1 Event, the fields both may carry. */
interface EventFields {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  count?: number;
  deprecatedCount?: number;
  lastTimestamp?: string;
  firstTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  regarding?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

function timeOf(event: KubeObject & EventFields): number {
  const time =
    event.series?.lastObservedTime ??
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp;
  return (time && Date.parse(time)) || 0;
}

function concerns(event: EventFields, obj: KubeObject): boolean {
  const about = event.involvedObject ?? event.regarding;
  if (!about) return false;
  if (about.uid && obj.metadata.uid) return about.uid === obj.metadata.uid;
  return (
    about.kind === obj.kind &&
    about.name === obj.metadata.name &&
    (about.namespace ?? '') === (obj.metadata.namespace ?? '')
  );
}

/**
 * Warning events about any of `objects`, newest first, at most `max`, each as
 * `Warning <reason> <Kind>/<name>: <message> (x<count>)`.
 */
export function warningEvents(
  events: readonly KubeObject[],
  objects: readonly KubeObject[],
  max = 5,
): string[] {
  return (events as ReadonlyArray<KubeObject & EventFields>)
    .filter((e) => e.type === 'Warning' && objects.some((o) => concerns(e, o)))
    .sort((a, b) => timeOf(b) - timeOf(a))
    .slice(0, max)
    .map((e) => {
      const about = e.involvedObject ?? e.regarding ?? {};
      const count = e.series?.count ?? e.count ?? e.deprecatedCount ?? 1;
      const times = count > 1 ? ` (x${count})` : '';
      return `Warning ${e.reason ?? ''} ${about.kind}/${about.name}: ${e.message ?? e.note ?? ''}${times}`;
    });
}
