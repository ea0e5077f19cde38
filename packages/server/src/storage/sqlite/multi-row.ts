import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

/** SQLite's default cap on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER since 3.32). */
const MAX_PARAMETERS = 32_766;
/** Rows per statement at most: past this, longer statements stop paying for themselves. */
const MAX_ROWS = 64;

/**
 * One `INSERT … VALUES (…), (…), …` for many rows instead of a statement call per row: each call
 * into better-sqlite3 costs as much as SQLite's own work on a small row. Rows go in chunks of
 * power-of-two sizes, so only a handful of statements is ever prepared per shape.
 */
export class MultiRowInsert {
  private readonly statements = new Map<number, Statement>();
  private readonly maxRows: number;

  /** `head` up to VALUES (`INSERT INTO t (a, b)`), `tail` after them (`ON CONFLICT … RETURNING …`). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly head: string,
    private readonly width: number,
    private readonly tail = '',
  ) {
    let rows = 1;
    while (rows * 2 <= MAX_ROWS && rows * 2 * width <= MAX_PARAMETERS) rows *= 2;
    this.maxRows = rows;
  }

  /** Runs the insert over all rows. */
  run(rows: readonly (readonly unknown[])[]): void {
    this.each(rows, (statement, params) => statement.run(params));
  }

  /** Runs the insert over all rows and returns what its RETURNING clause gave, all chunks together. */
  all<T>(rows: readonly (readonly unknown[])[]): T[] {
    const out: T[] = [];
    this.each(rows, (statement, params) => {
      for (const row of statement.all(params) as T[]) out.push(row);
    });
    return out;
  }

  private each(
    rows: readonly (readonly unknown[])[],
    use: (statement: Statement, params: unknown[]) => void,
  ): void {
    let at = 0;
    while (at < rows.length) {
      let n = this.maxRows;
      while (n > rows.length - at) n /= 2;
      const params: unknown[] = [];
      for (let i = at; i < at + n; i++) for (const value of rows[i] as readonly unknown[]) params.push(value);
      use(this.statement(n), params);
      at += n;
    }
  }

  private statement(rows: number): Statement {
    let statement = this.statements.get(rows);
    if (!statement) {
      const row = `(${Array.from({ length: this.width }, () => '?').join(', ')})`;
      statement = this.db.prepare(
        `${this.head} VALUES ${Array.from({ length: rows }, () => row).join(', ')} ${this.tail}`,
      );
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
