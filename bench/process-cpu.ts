// CPU time of a process and its children, from /proc: a figure contention on a shared machine does
// not inflate the way it inflates latency, so per-event work can be compared between runs.
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

async function stat(pid: number): Promise<{ ppid: number; cpuMs: number } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPU ms (user + system) so far of `root` and its live descendants; undefined without /proc. */
export async function treeCpuMs(root: number): Promise<number | undefined> {
  const pids = (await readdir('/proc').catch(() => [] as string[]))
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const stats = new Map<number, { ppid: number; cpuMs: number }>();
  for (const pid of pids) {
    const s = await stat(pid);
    if (s) stats.set(pid, s);
  }
  if (!stats.has(root)) return undefined;
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  let total = 0;
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    total += stats.get(pid)?.cpuMs ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return total;
}
