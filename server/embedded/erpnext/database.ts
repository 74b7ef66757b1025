/**
 * The SQLite file and a statement cache. List queries are built per request, but their SQL text
 * repeats (same fields, same filter shapes), so caching prepared statements by text keeps a busy
 * dispatch board from re-parsing the same SELECT hundreds of times a minute.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'

export class SqlDatabase {
  readonly db: Database.Database
  private readonly statements = new Map<string, Database.Statement>()

  constructor(dataDir: string | null) {
    if (dataDir !== null) mkdirSync(dataDir, { recursive: true })
    this.db = new Database(dataDir === null ? ':memory:' : join(dataDir, 'erpnext.sqlite'))
    this.db.pragma('journal_mode = WAL')
    // WAL + NORMAL survives a process crash; only an OS crash can lose the last transactions.
    this.db.pragma('synchronous = NORMAL')
    this.db.pragma('foreign_keys = OFF')
  }

  prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql)
    if (!stmt) {
      // Bounded: filter shapes are few in practice, but a client could vary them endlessly.
      if (this.statements.size > 500) this.statements.clear()
      stmt = this.db.prepare(sql)
      this.statements.set(sql, stmt)
    }
    return stmt
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  close(): void {
    this.statements.clear()
    if (this.db.open) this.db.close()
  }
}
