/**
 * Group commit (`GroupWrite`): a write alone goes at once; writes submitted while groups are being
 * written go together in the next group; each gets its own result; a write the database refuses
 * fails alone, while a failure that would hit every write (transient) fails the group as it is.
 */
import { GroupWrite } from '../../src/db/group-write';

class Refused extends Error {}

/** A write function that records the groups it was given and waits for `release()` before answering. */
function recordingWrite() {
  const groups: number[][] = [];
  let gates: (() => void)[] = [];
  const write = async (items: readonly number[]) => {
    groups.push([...items]);
    await new Promise<void>((r) => gates.push(r));
    if (items.length > 1 && items.includes(13)) throw new Refused('13 refused');
    if (items.includes(13)) throw new Refused('13 refused alone');
    if (items.includes(-1)) throw new Error('database down');
    return items.map((i) => i * 10);
  };
  const release = async () => {
    // Let submitted writes reach the write function, then answer every waiting group.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const open = gates;
    gates = [];
    open.forEach((r) => r());
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { groups, write, release };
}

const isolateRefusals = (err: unknown) => err instanceof Refused;

describe('GroupWrite', () => {
  it('writes a lone item at once, and groups the items submitted while a group is being written', async () => {
    const w = recordingWrite();
    const g = new GroupWrite(w.write, { maxItems: 64, maxInFlight: 1, isolate: isolateRefusals });
    const first = g.submit(1);
    expect(w.groups).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => g.submit(i));
    expect(w.groups).toEqual([[1]]);
    await w.release();
    expect(await first).toBe(10);
    expect(w.groups).toEqual([[1], [2, 3, 4, 5]]);
    await w.release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40, 50]);
  });

  it('keeps at most maxInFlight groups going and at most maxItems per group', async () => {
    const w = recordingWrite();
    const g = new GroupWrite(w.write, { maxItems: 3, maxInFlight: 2, isolate: isolateRefusals });
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => g.submit(i));
    expect(w.groups).toEqual([[1], [2]]);
    await w.release();
    expect(w.groups).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    await w.release();
    await w.release();
    expect(w.groups).toEqual([[1], [2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('keeps a group within maxSize, but always takes at least one write', async () => {
    const w = recordingWrite();
    const g = new GroupWrite(w.write, { maxItems: 64, maxInFlight: 1, size: (i) => i, maxSize: 10, isolate: isolateRefusals });
    const all = [1, 4, 5, 2, 30, 3].map((i) => g.submit(i));
    for (let i = 0; i < 5; i++) await w.release();
    expect(w.groups).toEqual([[1], [4, 5], [2], [30], [3]]);
    expect(await Promise.all(all)).toEqual([10, 40, 50, 20, 300, 30]);
  });

  it('a refused write fails alone: the others of its group are written one by one and succeed', async () => {
    const w = recordingWrite();
    const g = new GroupWrite(w.write, { maxItems: 64, maxInFlight: 1, isolate: isolateRefusals });
    const first = g.submit(1);
    const group = [12, 13, 14].map((i) =>
      g.submit(i).then(
        (v) => ({ v }),
        (err: Error) => ({ err: err.message }),
      ),
    );
    for (let i = 0; i < 5; i++) await w.release();
    expect(await first).toBe(10);
    expect(await Promise.all(group)).toEqual([{ v: 120 }, { err: '13 refused alone' }, { v: 140 }]);
    expect(w.groups).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('a failure that is not a refusal fails the whole group, without writing each again', async () => {
    const w = recordingWrite();
    const g = new GroupWrite(w.write, { maxItems: 64, maxInFlight: 1, isolate: isolateRefusals });
    const first = g.submit(1);
    const group = [2, -1, 3].map((i) =>
      g.submit(i).then(
        () => 'ok',
        (err: Error) => err.message,
      ),
    );
    for (let i = 0; i < 3; i++) await w.release();
    expect(await first).toBe(10);
    expect(await Promise.all(group)).toEqual(['database down', 'database down', 'database down']);
    expect(w.groups).toEqual([[1], [2, -1, 3]]);
  });

  it('by default one group at a time, and a database refusal (not a transient failure) is retried write by write', async () => {
    const groups: number[][] = [];
    const g = new GroupWrite(
      async (items: readonly number[]) => {
        groups.push([...items]);
        await new Promise((r) => setImmediate(r));
        if (items.includes(-1)) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        if (items.includes(13)) throw Object.assign(new Error('duplicate key value'), { code: '23505' });
        return items.map((i) => i * 10);
      },
      { maxItems: 64 },
    );
    const outcome = (i: number) => g.submit(i).then(String, (err: Error) => err.message);
    expect(await Promise.all([1, 2, 13, 3].map(outcome))).toEqual(['10', '20', 'duplicate key value', '30']);
    expect(groups).toEqual([[1], [2, 13, 3], [2], [13], [3]]);
    groups.length = 0;
    expect(await Promise.all([4, 5, -1].map(outcome))).toEqual(['40', 'deadlock detected', 'deadlock detected']);
    expect(groups).toEqual([[4], [5, -1]]);
  });

  it('a write that returns the wrong number of results fails its group rather than mixing results up', async () => {
    const g = new GroupWrite(async (items: readonly number[]) => items.slice(1), { maxItems: 64, maxInFlight: 1, isolate: () => false });
    await expect(g.submit(1)).rejects.toThrow('group write returned 0 results for 1 writes');
  });
});
