// PLACEHOLDER, written by the serverless engineer only so that `cdk synth` has an entry to bundle.
// The lead replaces this file with the real drift handler (see issue 5). Nothing here is product code.
export async function handler(): Promise<never> {
  throw new Error(
    'syncwave drift handler is a placeholder: deploy a build with the real lambdas/drift/handler.ts',
  );
}
