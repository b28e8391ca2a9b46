import type { ApiClient } from './api-client.ts';

/**
 * What `syncwave app ...` needs of a backend: serve's API (ApiClient) or a deployed AWS stack
 * (cli/aws/aws-app-client.ts), with the same answers.
 */
export type AppClient = Pick<
  ApiClient,
  'listApps' | 'getApp' | 'history' | 'diff' | 'sync' | 'rollback' | 'resume' | 'job'
>;
