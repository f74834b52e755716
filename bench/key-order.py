#!/usr/bin/env python3
# What the order of a table's keys costs a large embedded store (docs/benchmarks.md#time-ordered-secret-keys): a model
# of the sessions table (the schema of store-sql's migrations) in the SQLite that Python links, in WAL mode with no
# checkpoint. Loads ROWS rows, then inserts INSERTS more, PER_COMMIT to a transaction, once with keys that are a bare
# SHA-256 (as values were keyed before OpaqueTokens) and once with keys that begin with the millisecond (OpaqueTokens),
# and prints the pages each insert wrote to the log (its growth ÷ inserts) and the CPU each took.
#
# Usage: bench/key-order.py [ROWS [INSERTS [PER_COMMIT]]]    (defaults 1000000 20000 4; needs ~400 MB in the temp folder)
import hashlib, os, sqlite3, struct, sys, tempfile, time

SCHEMA = """CREATE TABLE sessions (
    id_hash         BLOB   PRIMARY KEY,
    sid             TEXT   NOT NULL,
    user_id         TEXT   NOT NULL,
    auth_time       BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL)"""
START_MILLIS = 1_760_000_000_000

def key(ordered, millis):
    digest = hashlib.sha256(os.urandom(38)).digest()
    return struct.pack(">Q", millis)[2:] + digest if ordered else digest

def insert(db, ordered, millis):
    db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
               (key(ordered, millis), "s" * 22, "u" * 24, millis, millis + 1, millis + 2))

def measure(folder, ordered, rows, inserts, per_commit):
    path = os.path.join(folder, "ordered.db" if ordered else "hashed.db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute(SCHEMA)
    db.execute("BEGIN")
    for i in range(rows):
        insert(db, ordered, START_MILLIS + 2 * i)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = path + "-wal"
    before = os.path.getsize(wal) if os.path.exists(wal) else 0
    cpu = time.process_time()
    for j in range(0, inserts, per_commit):
        db.execute("BEGIN")
        for k in range(per_commit):
            insert(db, ordered, START_MILLIS + 2 * rows + j + k)
        db.execute("COMMIT")
    cpu = time.process_time() - cpu
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    # Each frame is a 24-byte header and a page; a log that started empty also has its 32-byte header.
    pages = (os.path.getsize(wal) - before - (32 if before == 0 else 0)) / (24 + page_size)
    db.close()
    print("%-22s %.2f pages written per insert, %.1f us CPU per insert, database %d MB"
          % ("millisecond first:" if ordered else "bare SHA-256:", pages / inserts, cpu / inserts * 1e6,
             os.path.getsize(path) // 1_000_000))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)

def main():
    args = [int(a) for a in sys.argv[1:]] + [1_000_000, 20_000, 4][len(sys.argv) - 1:]
    rows, inserts, per_commit = args[:3]
    print("SQLite %s, %d rows, then %d inserts %d to a commit" % (sqlite3.sqlite_version, rows, inserts, per_commit))
    with tempfile.TemporaryDirectory() as folder:
        for ordered in (False, True):
            measure(folder, ordered, rows, inserts, per_commit)

if __name__ == "__main__":
    main()
