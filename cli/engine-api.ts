/**
 * The engine entry points the CLI and `syncwave serve` use, in one place: all of them come
 * from engine/index.ts (operations such as diff and explain live in engine/operations/, shared
 * with the Lambdas).
 */
export {
  type AppDiffSummary,
  type AppSpec,
  checkDrift,
  type DriftReport,
  diffAppAtRevision,
  type EngineDeps,
  explainApp,
  hideSecretData,
  type JobResult,
  loadRepoConfig,
  manualJob,
  type PreviewReport,
  previewEnvironment,
  type RepoConfig,
  refreshAppHealth,
  renderApp,
  renderForConfig,
  rollbackJob,
  runJob,
  setAutomationPaused,
} from '../engine/index.ts';
