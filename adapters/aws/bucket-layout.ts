/**
 * The desired-state bucket's layout, shared by S3DesiredStore and the CDK stack's lifecycle rule:
 *
 * | object                                   | what                                               |
 * |------------------------------------------|----------------------------------------------------|
 * | desired/<env>/<app>/<revision>.json.gz   | rendered objects of a synced revision (gzip JSON)  |
 * | desired/<env>/<app>/current              | the revision stored last (text): the current one   |
 *
 * When a newer revision is stored, the previous one gets the tag SUPERSEDED_TAG=true; the
 * lifecycle rule expires only tagged objects, so the state drift compares against never expires.
 */
export const DESIRED_PREFIX = 'desired/';
export const SUPERSEDED_TAG = 'syncwave-superseded';
