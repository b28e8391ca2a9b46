import { Aws } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Kubernetes groups the access entries put the functions in; eks-bootstrap-rbac.yaml binds them. */
export const DEPLOYER_GROUP = 'syncwave:deployer';
export const OBSERVER_GROUP = 'syncwave:observer';

export interface EksAccessProps {
  /** EKS cluster names (in the stack's region), each once. */
  readonly clusterNames: string[];
  /** The worker: applies and prunes. */
  readonly deployer: iam.IRole;
  /** The drift checker: reads only. */
  readonly observer: iam.IRole;
  /** AmazonEKSClusterAdminPolicy for the deployer instead of the least-access setup. */
  readonly clusterAdmin: boolean;
}

const policyArn = (name: string) => `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${name}`;

/**
 * EKS access entries for the worker and drift roles on every target cluster (the clusters must use
 * authentication mode API or API_AND_CONFIG_MAP). Least access that works, by default:
 *
 * - worker: AmazonEKSAdminPolicy at cluster scope (Kubernetes `admin`: every namespaced kind, in all
 *   namespaces) plus the group `syncwave:deployer`. EKS's managed policies cannot create Namespaces,
 *   CustomResourceDefinitions or other cluster-scoped kinds; a one-time ClusterRole bound to that
 *   group (infra/eks-bootstrap-rbac.yaml, applied by a cluster admin) grants exactly those.
 * - drift: AmazonEKSViewPolicy at cluster scope (get/list/watch, no Secrets) plus `syncwave:observer`,
 *   which the bootstrap ClusterRole lets list the cluster-scoped kinds syncwave manages.
 * - `clusterAdmin: true` gives the worker AmazonEKSClusterAdminPolicy and needs no bootstrap.
 *
 * One entry per (cluster, role): EKS allows no more.
 */
export class EksAccess extends Construct {
  readonly entries: eks.CfnAccessEntry[] = [];

  constructor(scope: Construct, id: string, props: EksAccessProps) {
    super(scope, id);
    for (const clusterName of [...new Set(props.clusterNames)].sort()) {
      this.entries.push(
        new eks.CfnAccessEntry(this, `Worker-${clusterName}`, {
          clusterName,
          principalArn: props.deployer.roleArn,
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
        new eks.CfnAccessEntry(this, `Drift-${clusterName}`, {
          clusterName,
          principalArn: props.observer.roleArn,
          type: 'STANDARD',
          kubernetesGroups: [OBSERVER_GROUP],
          accessPolicies: [{ policyArn: policyArn('AmazonEKSViewPolicy'), accessScope: { type: 'cluster' } }],
        }),
      );
    }
  }
}
