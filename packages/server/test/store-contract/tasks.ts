import { expect, it } from 'vitest';
import type { TaskStore } from '../../src/storage/store.js';

/** The behaviour every TaskStore must have; `fresh()` returns one on a migrated, empty database. */
export function taskStoreContract(fresh: () => Promise<TaskStore>): void {
  it('keeps async tasks and their results', async () => {
    const tasks = await fresh();
    const task = await tasks.create('t1', { model: 'iris' });
    expect(task).toMatchObject({ id: 't1', status: 'pending', request: { model: 'iris' }, result: null });
    expect((await tasks.pending(10)).map((t) => t.id)).toEqual(['t1']);
    await tasks.finish('t1', { result: { y: [1] } });
    expect(await tasks.get('t1')).toMatchObject({ status: 'done', result: { y: [1] }, error: null });
    await tasks.create('t2', {});
    await tasks.finish('t2', { error: 'bad input' });
    expect(await tasks.get('t2')).toMatchObject({ status: 'failed', error: 'bad input' });
    expect(await tasks.pending(10)).toEqual([]);
    expect(await tasks.get('nope')).toBeUndefined();
  });

  it('remembers who created a task and deletes tasks past their retention', async () => {
    const tasks = await fresh();
    expect(await tasks.create('old', {}, 'a'.repeat(64))).toMatchObject({ owner: 'a'.repeat(64) });
    expect((await tasks.create('legacy', {})).owner).toBeNull();
    await tasks.finish('old', { result: 1 });
    await new Promise((r) => setTimeout(r, 5));
    const cutoff = Date.now();
    await new Promise((r) => setTimeout(r, 5));
    await tasks.create('new', {}, 'b'.repeat(64));
    expect(await tasks.deleteExpired(cutoff)).toBe(2);
    expect(await tasks.get('old')).toBeUndefined();
    expect(await tasks.get('legacy')).toBeUndefined();
    expect(await tasks.get('new')).toMatchObject({ owner: 'b'.repeat(64) });
    expect(await tasks.deleteExpired(cutoff)).toBe(0);
  });
}
