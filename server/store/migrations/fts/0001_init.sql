-- The full-text index of one day file (events/YYYY-MM-DD.sqlite), in a file of its own so that
-- it is written on the index thread without holding the day file's write lock. Contentless: the
-- rows are in the day file, which readers ATTACH this file to (store/partitions.ts). The same
-- tokenizer and options as the inline index of older day files (day/0001): detail=none keeps only
-- which rows hold a token, the 3-character prefix index lets `get*` stream newest-first.
CREATE VIRTUAL TABLE events_fts USING fts5 (
  program, message,
  content = '',
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '3', columnsize = 0, detail = none
);
INSERT INTO events_fts (events_fts, rank) VALUES ('automerge', 16);
-- Every row of the day file with id <= indexed_through is in events_fts (store/indexer.ts).
CREATE TABLE fts_progress (indexed_through INTEGER NOT NULL);
INSERT INTO fts_progress (indexed_through) VALUES (0);
