import { Aws, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Kubernetes groups the access entries put the roles in; eks-bootstrap-rbac.yaml binds them. */
export const DEPLOYER_GROUP = 'syncwave:deployer';
export const OBSERVER_GROUP = 'syncwave:observer';
/** Pull request previews: read + dry-run only (eks-bootstrap-rbac.yaml's admission policy denies real writes). */
export const PREVIEWER_GROUP = 'syncwave:previewer';

export interface EksAccessEnvironment {
  readonly name: string;
  /** The environment's EKS cluster (in the stack's region). */
  readonly clusterName: string;
}

export interface EksAccessProps {
  readonly environments: readonly EksAccessEnvironment[];
  /** The worker: assumes each environment's deployer role for its jobs, its previewer role for previews. */
  readonly worker: iam.IRole;
  /** The drift checker: assumes each environment's observer role. */
  readonly drift: iam.IRole;
  /** AmazonEKSClusterAdminPolicy for the deployer roles instead of the least-access setup. */
  readonly clusterAdmin: boolean;
}

const policyArn = (name: string) => `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${name}`;

/** The roles of one environment. */
export interface EnvironmentRoles {
  readonly deployer: iam.Role;
  readonly observer: iam.Role;
  readonly previewer: iam.Role;
}

/**
 * Per environment, two IAM roles and their EKS access entries on that environment's cluster only
 * (clusters must use authentication mode API or API_AND_CONFIG_MAP):
 *
 * - deployer-<env>, assumed by the worker for that environment's jobs: AmazonEKSAdminPolicy at
 *   cluster scope (Kubernetes `admin`: every namespaced kind) plus the group `syncwave:deployer`,
 *   which the one-time infra/eks-bootstrap-rbac.yaml lets create Namespaces, CRDs and cluster RBAC
 *   (never `escalate`/`bind`). `clusterAdmin: true`: AmazonEKSClusterAdminPolicy, no bootstrap.
 * - observer-<env>, assumed by the drift checker: AmazonEKSViewPolicy plus `syncwave:observer`,
 *   which the bootstrap lets read every kind, Secrets included.
 * - previewer-<env>, assumed by the worker for pull request preview jobs only: AmazonEKSViewPolicy
 *   plus `syncwave:previewer`, which the bootstrap lets read every kind and patch/delete the kinds
 *   apps manage (a server-side dry run is authorized as the write would be), while its
 *   ValidatingAdmissionPolicy denies every request of the group that is not a dry run. The same
 *   with `clusterAdmin: true`: previews need the bootstrap's previewer part in either mode.
 *
 * The worker and drift roles themselves have no access entry and no EKS permission: a job holds
 * only its environment's credentials (STS AssumeRole in lambdas/shared/sync-deps.ts), and each
 * role may call DescribeCluster on its own cluster only.
 */
export class EksAccess extends Construct {
  readonly entries: eks.CfnAccessEntry[] = [];
  readonly roles = new Map<string, EnvironmentRoles>();

  constructor(scope: Construct, id: string, props: EksAccessProps) {
    super(scope, id);
    for (const env of props.environments) {
      const clusterArn = Stack.of(this).formatArn({
        service: 'eks',
        resource: 'cluster',
        resourceName: env.clusterName,
      });
      const role = (kind: 'Deployer' | 'Observer' | 'Previewer', assumedBy: iam.IRole) => {
        const r = new iam.Role(this, `${kind}-${env.name}`, {
          assumedBy: new iam.ArnPrincipal(assumedBy.roleArn),
          description: `syncwave ${kind.toLowerCase()} of environment ${env.name} (cluster ${env.clusterName} only)`,
        });
        r.addToPolicy(new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [clusterArn] }));
        r.grantAssumeRole(assumedBy);
        return r;
      };
      const roles = {
        deployer: role('Deployer', props.worker),
        observer: role('Observer', props.drift),
        previewer: role('Previewer', props.worker),
      };
      this.roles.set(env.name, roles);
      this.entries.push(
        new eks.CfnAccessEntry(this, `Deployer-${env.name}-Entry`, {
          clusterName: env.clusterName,
          principalArn: roles.deployer.roleArn,
          type: 'STANDARD',
          kubernetesGroups: props.clusterAdmin ? [] : [DEPLOYER_GROUP],
          accessPolicies: [
            {
              policyArn: policyArn(
                props.clusterAdmin ? 'AmazonEKSClusterAdminPolicy' : 'AmazonEKSAdminPolicy',
              ),
              accessScope: { type: 'cluster' },
            },
          ],
        }),
        new eks.CfnAccessEntry(this, `Observer-${env.name}-Entry`, {
          clusterName: env.clusterName,
          principalArn: roles.observer.roleArn,
          type: 'STANDARD',
          kubernetesGroups: [OBSERVER_GROUP],
          accessPolicies: [{ policyArn: policyArn('AmazonEKSViewPolicy'), accessScope: { type: 'cluster' } }],
        }),
        new eks.CfnAccessEntry(this, `Previewer-${env.name}-Entry`, {
          clusterName: env.clusterName,
          principalArn: roles.previewer.roleArn,
          type: 'STANDARD',
          kubernetesGroups: [PREVIEWER_GROUP],
          accessPolicies: [{ policyArn: policyArn('AmazonEKSViewPolicy'), accessScope: { type: 'cluster' } }],
        }),
      );
    }
  }

  /** `{ "<env>": "<role ARN>" }` of one kind, for SYNCWAVE_CLUSTER_ROLES. */
  roleArns(kind: keyof EnvironmentRoles): string {
    return Stack.of(this).toJsonString(
      Object.fromEntries([...this.roles].map(([env, roles]) => [env, roles[kind].roleArn])),
    );
  }
}
