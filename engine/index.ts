/**
 * The engine's table of contents: what the CLI, `syncwave serve` and the Lambdas use.
 */
export type { AppSpec, IgnoreDifference, SyncOptions, SyncPolicy } from './app-spec.ts';
export {
  ClusterError,
  type ClusterErrorCode,
  type ClusterErrorInit,
  type FieldConflict,
  isClusterError,
} from './cluster-error.ts';
export { CONFIG_FILE, type LoadResult, loadRepoConfig, type RepoConfig } from './config/load-repo-config.ts';
export { colorizeDiff } from './diff/colorize-diff.ts';
export type { ObjectDiff } from './diff/diff-object.ts';
export { hideSecretData, isSecret, SECRET_MASK } from './diff/hide-secret-data.ts';
export { checkDrift, type DriftReport } from './drift/check-drift.ts';
export { assessHealth } from './health/assess-health.ts';
export { explainUnhealthy } from './health/explain-unhealthy.ts';
export { worstHealth } from './health/worst-health.ts';
export type { HistoryEntry, HistoryResource } from './history.ts';
export { affectedApps } from './job/affected-apps.ts';
export type { EngineDeps } from './job/engine-deps.ts';
export type { AppSyncSummary, JobResult } from './job/job-result.ts';
export { runJob } from './job/run-job.ts';
export type * from './model.ts';
export { describeObject, groupOf, objectKey, refOf } from './object-key.ts';
export type { SyncOperation, SyncPlan, SyncTask, TaskResult } from './operation.ts';
export {
  type AppDiffLine,
  type AppDiffSummary,
  diffAppAtRevision,
} from './operations/diff-app-at-revision.ts';
export { explainApp } from './operations/explain-app.ts';
export {
  type ManualJobInput,
  manualJob,
  type RollbackOutcome,
  rollbackJob,
} from './operations/manual-job.ts';
export { setAutomationPaused } from './operations/pause-automation.ts';
export { buildPlan, formatPlan } from './plan/build-plan.ts';
export {
  type DestinationPolicy,
  destinationPolicySchema,
  type PolicySet,
  parseDestinationPolicy,
} from './policy/destination-policy.ts';
export type * from './ports.ts';
export { type PreviewRequest, previewEnvironment } from './preview/preview-environment.ts';
export { GITHUB_OUTPUT_LIMIT, type PreviewMarkdown, previewMarkdown } from './preview/preview-markdown.ts';
export { type PreviewPublisher, type PreviewTarget, previewCheckName } from './preview/preview-publisher.ts';
export type {
  AppPreview,
  PreviewAction,
  PreviewObject,
  PreviewOutcome,
  PreviewReport,
} from './preview/preview-report.ts';
export { previewTitle } from './preview/preview-title.ts';
export { publisherByProvider } from './preview/publisher-by-provider.ts';
export { queueGroupOf } from './preview/queue-group.ts';
export { redactUrl } from './redact-url.ts';
export { renderApp } from './render/render-app.ts';
export { renderForConfig } from './render/render-for-config.ts';
export type { RenderLimits } from './render/render-limits.ts';
export { createScrubber, type Scrub } from './scrub-secrets.ts';
export { shortRevision } from './short-revision.ts';
export type { AppState, EnvironmentState, InventoryEntry, ResourceStatus } from './state.ts';
export { type AppDiff, diffApp } from './sync/diff-app.ts';
export { refreshAppHealth } from './sync/refresh-health.ts';
export { type SyncAppResult, syncApp } from './sync/sync-app.ts';
export type { SyncContext, SyncRequest } from './sync/sync-context.ts';
export { updateAppState } from './update-app-state.ts';
