import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** CommonJS dependencies inside an ESM bundle still call require(): give them one. */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __syncwaveCreateRequire } from 'node:module'; const require = __syncwaveCreateRequire(import.meta.url);";

export interface SyncwaveFunctionProps {
  /** Path of the handler file (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** Powertools service name (logs and the `service` metric dimension). */
  readonly service: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly layers?: lambda.ILayerVersion[];
  readonly vpc?: { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups?: ec2.ISecurityGroup[] };
  /** Project root holding package-lock.json. */
  readonly projectRoot: string;
}

/**
 * A syncwave Lambda: Node 22 on x86_64 (the kubectl/helm layer binaries are x86-64 only), bundled
 * locally by esbuild as minified ESM (no Docker), with its own log group and retention.
 * @aws-sdk/* comes from the Lambda runtime (the CDK default), which keeps bundles and cold starts small.
 */
export class SyncwaveFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SyncwaveFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      layers: props.layers,
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: 'syncwave',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        // The SDK comes with the runtime. @kubernetes/client-node is reached only through
        // SYNCWAVE_KUBECONFIG (running the handlers from source, in tests): in Lambda, EKS
        // access needs no client-node (adapters/kube/kube-access.ts), so it is not shipped.
        externalModules: ['@aws-sdk/*', '@kubernetes/client-node'],
      },
      ...(props.vpc
        ? {
            vpc: props.vpc.vpc,
            vpcSubnets: { subnets: props.vpc.subnets },
            securityGroups: props.vpc.securityGroups,
          }
        : {}),
    });
  }
}
