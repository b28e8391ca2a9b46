// PLACEHOLDER, written by the serverless engineer only so that `cdk synth` has an entry to bundle.
// The lead replaces this file with the real worker handler (see issue 5). Nothing here is product code.
export async function handler(): Promise<never> {
  throw new Error(
    'syncwave worker handler is a placeholder: deploy a build with the real lambdas/worker/handler.ts',
  );
}
