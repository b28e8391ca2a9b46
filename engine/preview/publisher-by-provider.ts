import type { PreviewPublisher } from './preview-publisher.ts';

/** One publisher per provider: a GitHub pull request's preview goes to check runs, a GitLab one to a note. */
export function publisherByProvider(publishers: {
  github?: PreviewPublisher;
  gitlab?: PreviewPublisher;
}): PreviewPublisher | undefined {
  if (!publishers.github && !publishers.gitlab) return undefined;
  const pick = (provider: 'github' | 'gitlab' | undefined) => publishers[provider ?? 'github'];
  return {
    started: async (target) => pick(target.pullRequest?.provider)?.started(target),
    finished: async (target) => pick(target.pullRequest?.provider)?.finished(target),
  };
}
