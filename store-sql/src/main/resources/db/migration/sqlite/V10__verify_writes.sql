-- Fewer B-tree pages written per verify (docs/benchmarks.md, "SQLite per verify, cut").
-- A code's state is no longer in the index that finds a phone's codes: using a code (state 'live' to 'used') then
-- rewrites the table's row only, not an index page as well. The index still leads to the few rows of one client and
-- phone, in seq order (the rowid ends every index entry), and the state is checked on those rows.
DROP INDEX challenges_by_phone;
CREATE INDEX challenges_by_phone ON challenges (client_id, phone);
-- audit_events_for_stats (time, type, outcome, country) begins with time, so it serves every look-up by time that
-- this index served (retention deletes, ranges); one B-tree less to add each event to.
DROP INDEX audit_events_by_time;
