import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CliError } from '../cli-error.ts';

/** What the CLI needs of a deployed syncwave stack. */
export interface StackResources {
  tableName: string;
  bucketName: string;
  queueUrl: string;
  /** Environments and their branches (the stack's `Environments` output). */
  environments: Array<{ name: string; branch: string }>;
}

export interface ResolveStackOptions {
  /** The CloudFormation stack name (`--aws NAME`, SYNCWAVE_STACK; `syncwave` unless told). */
  stack: string;
  /**
   * SYNCWAVE_TABLE_NAME, SYNCWAVE_BUCKET_NAME, SYNCWAVE_QUEUE_URL (and SYNCWAVE_ENVIRONMENTS):
   * when all three are set, no DescribeStacks call is made (the same names the Lambdas read).
   */
  env: Record<string, string | undefined>;
  cloudFormation?: CloudFormationClient;
}

function parseEnvironments(text: string | undefined, where: string): StackResources['environments'] {
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as Array<{ name?: unknown; branch?: unknown }>;
    return parsed
      .filter((e) => typeof e.name === 'string' && typeof e.branch === 'string')
      .map((e) => ({ name: e.name as string, branch: e.branch as string }));
  } catch (cause) {
    throw new CliError(`${where} is not JSON: ${(cause as Error).message}`, undefined, { cause });
  }
}

/** The stack's table, bucket and queue: from explicit settings, else from its CloudFormation outputs. */
export async function resolveStack(opts: ResolveStackOptions): Promise<StackResources> {
  const { env } = opts;
  if (env.SYNCWAVE_TABLE_NAME && env.SYNCWAVE_BUCKET_NAME && env.SYNCWAVE_QUEUE_URL) {
    return {
      tableName: env.SYNCWAVE_TABLE_NAME,
      bucketName: env.SYNCWAVE_BUCKET_NAME,
      queueUrl: env.SYNCWAVE_QUEUE_URL,
      environments: parseEnvironments(env.SYNCWAVE_ENVIRONMENTS, 'SYNCWAVE_ENVIRONMENTS'),
    };
  }
  const cfn = opts.cloudFormation ?? new CloudFormationClient({});
  let outputs: Record<string, string>;
  try {
    const res = await cfn.send(new DescribeStacksCommand({ StackName: opts.stack }));
    outputs = Object.fromEntries(
      (res.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (cause) {
    throw new CliError(
      `cannot read the outputs of CloudFormation stack ${opts.stack} (${(cause as Error).message}): check the stack name (--aws NAME or SYNCWAVE_STACK), region (AWS_REGION) and credentials (AWS_PROFILE), which need cloudformation:DescribeStacks`,
      undefined,
      { cause },
    );
  } finally {
    if (!opts.cloudFormation) cfn.destroy();
  }
  const need = (key: string) => {
    const v = outputs[key];
    if (!v)
      throw new CliError(
        `stack ${opts.stack} has no ${key} output: is it a syncwave stack? Redeploy it with this version (npx cdk deploy)`,
      );
    return v;
  };
  return {
    tableName: need('TableName'),
    bucketName: need('BucketName'),
    queueUrl: need('QueueUrl'),
    environments: parseEnvironments(outputs.Environments, `stack ${opts.stack} output Environments`),
  };
}
