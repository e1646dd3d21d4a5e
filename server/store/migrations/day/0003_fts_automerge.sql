-- FTS5 merges its segments in groups of `automerge` (default 4). Sixteen rewrites each posting
-- fewer times as a day file grows: at 400-row commits the bare insert loop runs 75k instead of
-- 59k rows/s (docs/BENCHMARKS.md), for a few more segments to visit per query term.
INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 16);
