import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
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
  readonly vpc?: { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups: ec2.ISecurityGroup[] };
  /** Size of /tmp in MiB; Lambda's 512 unless told. */
  readonly ephemeralStorageMiB?: number;
  /** Project root holding package-lock.json. */
  readonly projectRoot: string;
}

/**
 * A syncwave Lambda: Node 22 on x86_64 (the kubectl/helm layer binaries are x86-64 only), bundled
 * locally by esbuild as minified ESM (no Docker), with its own log group and retention.
 * The AWS SDK is bundled (not taken from the runtime's copy, whose version and util packages we
 * do not control); bundled it also initialises faster (bench/lambda-bundles.ts).
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
      ...(props.ephemeralStorageMiB
        ? { ephemeralStorageSize: Size.mebibytes(props.ephemeralStorageMiB) }
        : {}),
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
        // Everything is bundled, the AWS SDK included. @kubernetes/client-node is reached only
        // through SYNCWAVE_KUBECONFIG (running the handlers from source, in tests): EKS access
        // needs no client-node (adapters/kube/kube-access.ts), so it is not shipped.
        externalModules: ['@kubernetes/client-node'],
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
