import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SUPERSEDED_TAG } from '../adapters/aws/bucket-layout.ts';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../adapters/aws/table-schema.ts';

/**
 * A superseded desired state (an older revision of an app, tagged by S3DesiredStore when a newer
 * one is stored) is deleted this long after it was written; the current one never expires.
 */
const SUPERSEDED_DESIRED_STATE_DAYS = 90;

/**
 * Durable state: the DynamoDB table of DynamoStateStore (layout in adapters/aws/table-schema.ts) and
 * the S3 bucket of S3DesiredStore. Both are retained when the stack is deleted.
 */
export class StateStorage extends Construct {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'DesiredState', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'expire-superseded-desired-state',
          prefix: 'desired/',
          tagFilters: { [SUPERSEDED_TAG]: 'true' },
          expiration: Duration.days(SUPERSEDED_DESIRED_STATE_DAYS),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }
}
