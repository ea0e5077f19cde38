// Resident memory of a process found by its command line among another process's descendants, read
// from /proc (Linux). Elsewhere it finds nothing and the caller reports the figure as unavailable.
import { readdir, readFile } from 'node:fs/promises';

async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name in field 2 may hold spaces and parentheses; fields after the last ')' are plain.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? Number(fields[1]) : undefined;
}

/** The pid of a descendant of `root` whose command line contains `needle`, if there is one now. */
export async function findDescendant(root: number, needle: string): Promise<number | undefined> {
  const pids = (await readdir('/proc').catch(() => [] as string[]))
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.replaceAll('\0', ' ').includes(needle)) continue;
    for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 8; hops++) {
      p = await parentOf(p);
      if (p === root) return pid;
    }
  }
  return undefined;
}

/** VmRSS in bytes, or undefined once the process is gone. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = status && /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : undefined;
}
