import { MemoryStateStore } from '../../../../adapters/local/memory-state-store.ts';
import { describeStateStoreContract } from '../../../support/state-store-contract.ts';

describeStateStoreContract('MemoryStateStore', () => new MemoryStateStore());
