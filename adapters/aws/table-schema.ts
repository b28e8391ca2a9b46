/**
 * The syncwave DynamoDB table, shared by DynamoStateStore and the CDK stack. One table, on demand:
 *
 * | item            | pk                | sk                     | notes                                  |
 * |-----------------|-------------------|------------------------|----------------------------------------|
 * | app state       | APP#<env>         | APP#<app>              | listApps(env) = Query pk               |
 * | environment     | ENV#<env>         | ENV                    |                                        |
 * | history counter | HIST#<env>#<app>  | COUNTER                | atomic ADD gives the next id           |
 * | history entry   | HIST#<env>#<app>  | <id, 10 digits>        | newest first = Query descending        |
 * | operation       | OP#<env>          | OP#<app>               | the resumable in-flight sync           |
 * | lease           | LEASE#<env>       | LEASE                  | conditional put: free, expired or ours |
 * | stuck apps      | STUCK#<env>       | STUCK                  | drift: since when an app is OutOfSync/Degraded |
 *
 * Documents are in `doc` (JSON text), or gzipped in `docGz` when large (items are capped at 400 KB).
 * Rendered desired state is not here but in S3 (S3DesiredStore).
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB deletes the item some time after. */
export const TTL_ATTRIBUTE = 'ttl';
