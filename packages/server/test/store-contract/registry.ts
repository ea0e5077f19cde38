import { expect, it } from 'vitest';
import type { ModelVersionRecord } from '../../src/storage/records.js';
import type { RegistryStore } from '../../src/storage/store.js';

/** The behaviour every RegistryStore must have; `fresh()` returns one on a migrated, empty database. */
export function registryStoreContract(fresh: () => Promise<RegistryStore>): void {
  it('stores model versions immutably with their bytes, status and channels', async () => {
    const registry = await fresh();
    const record: ModelVersionRecord = {
      name: 'iris',
      version: '2.0.0',
      format: 'onnx',
      quantization: 'fp32',
      sha256: 'ab'.repeat(32),
      bytes: 3,
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'out', dtype: 'float32', shape: ['batch', 3] }],
      status: 'candidate',
      createdAt: 1,
    };
    await registry.publish(record, new Uint8Array([1, 2, 3]));
    await expect(registry.publish(record, new Uint8Array([9]))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect([...((await registry.bytes('iris', '2.0.0')) ?? [])]).toEqual([1, 2, 3]);
    await registry.setStatus('iris', '2.0.0', 'approved');
    expect((await registry.get('iris', '2.0.0'))?.status).toBe('approved');
    expect(await registry.list()).toHaveLength(1);
    await registry.setChannel({ name: 'iris', channel: 'stable', version: '2.0.0' });
    await registry.setChannel({ name: 'iris', channel: 'stable', version: '2.0.0' });
    expect(await registry.listChannels()).toEqual([{ name: 'iris', channel: 'stable', version: '2.0.0' }]);
    expect(await registry.bytes('iris', '9')).toBeUndefined();
  });
}
