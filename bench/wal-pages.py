#!/usr/bin/env python3
# Which B-trees the embedded store's commits write (docs/benchmarks.md#millisecond-ids). Reads a copy of a live
# write-ahead log (phonepass.db-wal) and of its database (phonepass.db), taken while a bench row runs, and counts the
# log's frames (one 4 kB page each) per commit and per table or index, naming each page through SQLite's dbstat view.
# A verify writes one access token, so that index's frames per commit are about the verifies per commit.
#
# Usage: bench/wal-pages.py COPY-OF-WAL COPY-OF-DB
#
# Only the frames since the log last started over count (their salt matches the log's header; older frames beyond
# them are left from before). Pages added since the last checkpoint are not in the database copy and show as "new".
import collections, os, shutil, sqlite3, struct, sys, tempfile

def frames(wal):
    data = open(wal, "rb").read()
    _, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", data[:32])
    at, out = 32, []
    while at + 24 + page_size <= len(data):
        page, size_after_commit, s1, s2, _, _ = struct.unpack(">6I", data[at:at + 24])
        if (s1, s2) != (salt1, salt2):
            break
        out.append((page, size_after_commit != 0))
        at += 24 + page_size
    return out

def page_names(db):
    # dbstat on a copy, without the log: the live database's own files are never opened.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "copy.db")
        shutil.copy(db, copy)
        with sqlite3.connect(copy) as c:
            return {page: name for name, page in c.execute("SELECT name, pageno FROM dbstat")}

def main(wal, db):
    names = page_names(db)
    commits, open_commit = [], []
    for page, ends_commit in frames(wal):
        open_commit.append(page)
        if ends_commit:
            commits.append(open_commit)
            open_commit = []
    total = sum(len(c) for c in commits)
    print(f"{total} frames in {len(commits)} commits: {total / max(1, len(commits)):.1f} per commit")
    per_tree = collections.Counter(names.get(p, "new") for c in commits for p in c)
    for name, n in per_tree.most_common():
        print(f"{name:40} {n:7} {n / max(1, len(commits)):6.2f} per commit")

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench/wal-pages.py COPY-OF-WAL COPY-OF-DB")
    main(sys.argv[1], sys.argv[2])
