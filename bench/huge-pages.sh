#!/usr/bin/env bash
# Gives the local Postgres server huge pages for its shared memory (bench machines only; run as
# root after bench/postgres-tuning.sql, whose shared_buffers decide how many are needed).
#
# Why: with 4 kB pages every server process maps shared_buffers page by page on first touch. A
# backend that has not yet read a page pays a page fault per 4 kB, measured here at about 1 s
# for the 37,000 members of one store (70 ms once the same backend reads them again). The
# functions' pooled connections and the bench's replay connections are different backends, so
# the server time paid those faults and the replay did not. With 2 MB pages a 4 GB pool is 2,107
# mappings instead of a million. Managed Postgres services size huge pages for their instances;
# PostgreSQL's own default (huge_pages = try) uses them as soon as the kernel has them.
set -euo pipefail
cluster="${PG_CLUSTER:-15 main}"
need=$(psql -h 127.0.0.1 -U postgres -Atc "show shared_memory_size_in_huge_pages")
# A few more than the server asks for at start (it maps its whole shared memory at once).
want=$((need + 64))
echo "shared memory needs ${need} huge pages of $(awk '/Hugepagesize/ {print $2 " " $3}' /proc/meminfo); reserving ${want}"
echo "${want}" > /proc/sys/vm/nr_hugepages
got=$(awk '/HugePages_Total/ {print $2}' /proc/meminfo)
if [ "${got}" -lt "${need}" ]; then
  echo "the kernel reserved only ${got} (memory too fragmented?): the server stays on 4 kB pages" >&2
  exit 1
fi
# shellcheck disable=SC2086
pg_ctlcluster --skip-systemctl-redirect ${cluster} restart
# Reserved pages count as the server's: it maps them at start and touches them as it goes.
used=$(awk '/HugePages_Total/ {t=$2} /HugePages_Free/ {f=$2} /HugePages_Rsvd/ {r=$2} END {print t - f + r}' /proc/meminfo)
echo "huge pages mapped by the server: ${used} of ${got}"
