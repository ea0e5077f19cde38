import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A throwaway PostgreSQL server for tests: its own data folder, port and superuser, removed by `stop()`. */
export interface TestPostgres {
  /** `postgres://edgewise@127.0.0.1:<port>/edgewise` (trust auth on loopback). */
  url: string;
  /** Its data folder: its postmaster's pid is the first line of `postmaster.pid` there. */
  dataDir: string;
  /** Makes a fresh database on this server and returns its URL, for tests that need an empty schema. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const BIN_DIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
  '/usr/local/bin',
  '/usr/bin',
];

function findBin(name: string): string | undefined {
  if (process.env.PG_BIN && existsSync(join(process.env.PG_BIN, name))) return join(process.env.PG_BIN, name);
  return BIN_DIRS.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** Postgres refuses to run as root, so as root we run it as an unprivileged user, made if missing. */
function runAsUser(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = process.env.PG_TEST_USER ?? 'postgres';
  if (spawnSync('id', ['-u', user]).status !== 0) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  }
  return user;
}

function run(user: string | undefined, bin: string, args: string[], prefix: readonly string[] = []): string {
  const [command, ...argv] = [
    ...prefix,
    ...(user ? ['runuser', '-u', user, '--', bin, ...args] : [bin, ...args]),
  ] as [string, ...string[]];
  try {
    return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${bin} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** Why Postgres cannot start here, or undefined if it probably can. */
export function postgresUnavailableReason(): string | undefined {
  if (process.env.EDGEWISE_SKIP_POSTGRES) return 'EDGEWISE_SKIP_POSTGRES is set';
  for (const name of ['initdb', 'pg_ctl', 'postgres']) {
    if (!findBin(name))
      return `${name} not found in ${BIN_DIRS.join(', ')} (apt-get install -y postgresql, or set PG_BIN)`;
  }
  return undefined;
}

export interface StartPostgresOptions {
  /**
   * fsync and full_page_writes on, as in production, so a COMMIT waits for the disk. Tests leave it
   * off: they check behaviour, and a throwaway cluster need not survive a power cut.
   */
  durable?: boolean;
  /** Prepended to the server's start command, e.g. `['taskset', '-c', '1']`; its processes inherit it. */
  commandPrefix?: readonly string[];
}

/**
 * Starts a PostgreSQL server in a temp folder on a free loopback port. Throws with the reason when it
 * cannot; callers that want to skip use {@link tryStartPostgres}.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(`cannot start PostgreSQL: ${reason}`);
  const initdb = findBin('initdb') as string;
  const pgCtl = findBin('pg_ctl') as string;
  const user = runAsUser();
  const root = mkdtempSync(join(tmpdir(), 'ew-pg-'));
  // mkdtemp makes a 0700 root-owned folder; the postgres user needs to enter it and own the data dir.
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  const socketDir = join(root, 'sock');
  if (user) execFileSync('install', ['-d', '-o', user, '-m', '0700', data, socketDir]);
  else execFileSync('install', ['-d', '-m', '0700', data, socketDir]);
  const port = await freePort();
  try {
    run(user, initdb, ['-D', data, '-U', 'edgewise', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    const sync = options.durable ? '-c fsync=on -c synchronous_commit=on' : '-c fsync=off';
    const settings = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${socketDir} ${sync} -c max_connections=200`;
    run(
      user,
      pgCtl,
      ['-D', data, '-o', settings, '-l', join(data, 'log.txt'), '-w', '-t', '60', 'start'],
      options.commandPrefix,
    );
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const base = `postgres://edgewise@127.0.0.1:${port}`;
  const psql = async (sql: string) => {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await psql('CREATE DATABASE edgewise');
  let stopped = false;
  return {
    url: `${base}/edgewise`,
    dataDir: data,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name))
        throw new Error(`database name "${name}" must be [a-z_][a-z0-9_]*`);
      await psql(`CREATE DATABASE ${name}`);
      return `${base}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(user, pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Starts Postgres, or returns the reason it cannot (printed), so a suite can skip only when it must. */
export async function tryStartPostgres(): Promise<TestPostgres | { skipped: string }> {
  try {
    return await startPostgres();
  } catch (error) {
    const skipped = (error as Error).message;
    console.warn(`[edgewise] skipping PostgreSQL tests: ${skipped}`);
    return { skipped };
  }
}
