/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx).
 * Configuration: cdk context `syncwave` or syncwave.config.json (infra/syncwave-config.ts).
 */
import { App } from 'aws-cdk-lib';
import { loadSyncwaveConfig, type SyncwaveConfig, SyncwaveConfigError } from './syncwave-config.ts';
import { SyncwaveStack } from './syncwave-stack.ts';

const app = new App();
let config: SyncwaveConfig;
try {
  config = loadSyncwaveConfig({ context: (key) => app.node.tryGetContext(key) });
} catch (err) {
  if (!(err instanceof SyncwaveConfigError)) throw err;
  // A configuration mistake is the user's to fix: the message, not a stack trace.
  console.error(err.message);
  process.exit(1);
}
const stackName = String(app.node.tryGetContext('syncwaveStackName') ?? 'syncwave');
new SyncwaveStack(app, stackName, {
  config,
  description: 'syncwave: GitOps for Kubernetes with no controller in the cluster',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});
app.synth();
