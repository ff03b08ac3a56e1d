/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

// Holds a SQLite write transaction from another thread, the way a second process would, until
// the test releases it through the shared flag or `holdMs` passes.
import { openSqliteDatabase } from "../sqlite_database.ts";

interface HoldLockRequest {
  path: string;
  release: SharedArrayBuffer;
  holdMs: number;
  /** Puts the file back in rollback-journal mode first, as a file another program made. */
  rollbackJournal?: boolean;
}

self.onmessage = (event: MessageEvent<HoldLockRequest>) => {
  const { path, release, holdMs, rollbackJournal } = event.data;
  const db = openSqliteDatabase(path);
  if (rollbackJournal) db.exec("PRAGMA journal_mode = DELETE");
  db.exec("BEGIN IMMEDIATE");
  db.prepare("INSERT INTO log (who) VALUES (?)").run("worker");
  self.postMessage("locked");
  Atomics.wait(new Int32Array(release), 0, 0, holdMs);
  db.exec("COMMIT");
  db.close();
  self.postMessage("committed");
};
