-- Settings of the bench's Postgres server, close to what a managed Postgres (Supabase) gives a
-- 2-core instance with this much memory. PostgreSQL's own defaults (shared_buffers 128MB,
-- random_page_cost 4 for spinning disks) make a 1 M-member store's rows (≈ 350 MB of members
-- alone) thrash the buffer pool: every bulk statement then measures page copies, not SQL.
-- Apply as a superuser, then restart the server:
--   psql -h 127.0.0.1 -U postgres -f bench/postgres-tuning.sql
--   pg_ctlcluster --skip-systemctl-redirect 15 main restart
-- and give the server huge pages for those buffers (as root: bench/huge-pages.sh).
alter system set shared_buffers = '4GB';
alter system set effective_cache_size = '12GB';
alter system set random_page_cost = 1.1;
alter system set effective_io_concurrency = 200;
-- Autovacuum, as every managed Postgres runs it (this machine's CI configuration turns it off:
-- without it the statistics of freshly loaded or imported orgs stay stale and the outbox and
-- credits accumulate dead rows between bench runs).
alter system set autovacuum = on;
-- Checkpoints as a managed Postgres spaces them. With the defaults (max_wal_size 1GB, 5 min) a
-- bench run forced a checkpoint every minute or so (42 requested against 2 timed in one run),
-- and the first write to each page after a checkpoint logs the whole page: a bulk tag of 10,000
-- customers then wrote 113 MB of WAL (17,070 full pages, most of them members' pages that the
-- foreign key checks lock) instead of 4 MB, and took 1.45 s instead of 0.25 s as bare SQL.
alter system set max_wal_size = '8GB';
alter system set checkpoint_timeout = '15min';
alter system set wal_compression = 'lz4';
