import type { Job } from '../ports.ts';
import type { EnvironmentState, JobProgress } from '../state.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { JobResult } from './job-result.ts';

/** One run of a job, as its stages pass it along. */
export interface JobRun {
  job: Job;
  /** The commit this job deploys. */
  revision: string;
  deps: EngineDeps;
  /** Stop and save progress before this time (Lambda timeout, serve slice). */
  deadline?: Date;
  /** The environment as it stood when the job started. */
  envState?: EnvironmentState;
  /** This job's progress: continued from a saved one, or new. */
  progress: JobProgress;
  /** Filled in as apps sync. */
  result: JobResult;
}

/** Runs of one job that stop before its end, at most: a backstop; every wait has its own deadline. */
export const MAX_CONTINUATIONS = 100;
