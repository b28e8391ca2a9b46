// `tsx harness/registry-cli.ts`: builds (or finds cached) the OCI registry binary the chart tests
// start (harness/oci-registry.ts), so that a cold build is not bounded by a test hook timeout.
import { ensureRegistryBinary } from './oci-registry.ts';

console.log(await ensureRegistryBinary());
