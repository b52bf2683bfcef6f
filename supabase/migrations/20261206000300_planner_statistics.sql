-- Finer statistics for the columns that pinyin search reads by prefix (issues 3 and 5).
--
-- Two typed letters (`wf`, `py`) match a few thousand of an org's 1 M members, but with the
-- default 100-bucket histogram the planner estimated a `name_initials ^@ 'py'` prefix at 73 rows
-- (2,005 in fact) and, seeing both cheap, read the org-wide initials index and filtered by store
-- (2,005 heap rows, ~24 ms) instead of the store's own (84 rows). With 1,000 buckets the same
-- prefix is estimated at 2,248 and the store's index is chosen. ANALYZE then samples 300 k rows
-- of members instead of 30 k: a few seconds more per analyze of a 1 M-member table.
alter table public.members
  alter column name_initials set statistics 1000,
  alter column name_pinyin set statistics 1000;
