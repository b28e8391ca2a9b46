import type { Job } from '../ports.ts';

/**
 * The FIFO group a job queues in: its environment for deploys, `ENV/preview` for previews, so
 * a preview never waits behind a deploy nor holds one up (it needs no lease: it writes nothing).
 */
export function queueGroupOf(job: Pick<Job, 'env' | 'reason'>): string {
  return job.reason === 'preview' ? `${job.env}/preview` : job.env;
}
