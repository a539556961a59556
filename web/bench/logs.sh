# The logs part of the bench, sourced by run.sh after the scenarios on
# the empty log (it uses run.sh's functions and variables): it stops the
# server, records BENCH_DECISIONS made-up decisions (10,000,000 unless
# set) in the organization with `loadseed --decisions --to-existing`,
# starts the server again and measures, on that log:
#   - each Support Access Log query the console offers (first page; by
#     case; by cluster and outcome; by scope; by time range; 100 pages
#     older, reached by following the Older link 100 times), with
#     BENCH_LOG_CONNECTIONS (4) connections: p50 and p99;
#   - the export of 1,000,000 rows (a time range that holds about that
#     many): rows per second and the server's RSS growth;
#   - the access decision again, against the same scenario on the empty log;
#   - the stored bytes per decision (the table and its indexes).

decisions=${BENCH_DECISIONS:-10000000}
log_conns=${BENCH_LOG_CONNECTIONS:-4}
log_days=300
stop_server
echo "loading $decisions decisions over $log_days days..." >&2
t0=$(date +%s)
"$sa" loadseed --db "$db" --org "Load Test" --to-existing --decisions "$decisions" --days "$log_days" >"$work/logseed.txt" 2>"$work/logseed.err" ||
	die "loadseed --decisions failed: $(tail -3 "$work/logseed.err")"
load_s=$(($(date +%s) - t0))
echo "  loaded in ${load_s} s" >&2
start_server
wait_ready "$url/readyz" || die "the console did not restart: $(tail -5 "$work/server.log")"
wal_watch

# The sealer seals the loaded rows in the background; the measurements
# wait until it is done, so that they do not share the CPU with it, and
# the time it took is a figure of its own.
sealed() {
	if [ -n "${BENCH_DATABASE_URL:-}" ]; then
		psql -qtA "$db" -c "SELECT CASE WHEN EXISTS (SELECT 1 FROM access_decisions d, seal_cursor c WHERE (d.seal_xid, d.id) > (c.decision_mark, c.decision_id)) THEN 0 ELSE 1 END"
	else
		sqlite3 "$db" "SELECT (SELECT decision_mark FROM seal_cursor) >= (SELECT COALESCE(MAX(rowid), 0) FROM access_decisions)"
	fi
}
echo "waiting for the sealer to seal the loaded decisions..." >&2
t0=$(date +%s)
while [ "$(sealed)" != 1 ]; do
	[ $(($(date +%s) - t0)) -lt 3600 ] || die "the sealer had not sealed the loaded decisions after an hour"
	sleep 2
done
seal_s=$(($(date +%s) - t0))
echo "  sealed in ${seal_s} s" >&2

log="$url/orgs/$org/support-access-log"
page() { curl -sf -H "Cookie: $cookie" "$1"; }
day() { date -u -d "$1 days ago" +%Y-%m-%d; }
# A case of the loaded log (the newest rows are the bench's own, CASE-n).
case_number=$(page "$log?to=$(day 100)" | grep -o 'data-testid="decision-case">[0-9]*<' | tail -1 | grep -o '[0-9][0-9]*' || true)
[ -n "$case_number" ] || die "no case number in the loaded log"
older=$log
for _ in $(seq 1 100); do
	next=$(page "$older" | grep -o 'href="[^"]*before=[0-9a-f]*"' | head -1 | cut -d'"' -f2 | sed 's/&amp;/\&/g')
	[ -n "$next" ] || die "no Older link while paging"
	older="$url$next"
done
export_days=$(awk -v n="$decisions" -v d="$log_days" 'BEGIN {x = d * 1000000 / n; printf "%d", x < 1 ? 1 : x + 0.999}')

log_query() {
	WRK_CONNS=$log_conns BENCH_COOKIE=$cookie run_wrk "$1" "$2" get.lua "$server_pid"
}
echo "running: Support Access Log queries on $decisions decisions..." >&2
log_query log_first "$log"
log_query log_case "$log?case=$case_number"
log_query log_cluster_outcome "$log?cluster=cluster-042&outcome=allowed"
log_query log_scope "$log?scope=AUDIT_LOGS"
log_query log_time "$log?from=$(day 101)T00:00&to=$(day 100)T23:59"
log_query log_older100 "$older"

echo "running: export of about 1,000,000 decisions ($export_days days)..." >&2
rss_before=$(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$server_pid/status")
reset_peak "$server_pid"
t0=$(date +%s%N)
# Saved as a client saves a download: the file's lines are counted by wc
# and its last line (#end,ROWS,SEALS) kept, rather than each line parsed
# on the 2 cores the server measured runs on. The rows are the lines but
# the header, the #seals header, one per seal and the end; they must be
# what the end record says.
curl -sf -H "Cookie: $cookie" "$log/export?format=csv&from=$(day "$export_days")" |
	tee >(tail -n 1 >"$work/export.end") | wc -l >"$work/export.lines"
t1=$(date +%s%N)
sleep 0.2 # tail, in its process substitution, may finish after wc
IFS=, read -r end_tag rows end_seals <"$work/export.end"
lines=$(cat "$work/export.lines")
[ "$end_tag" = "#end" ] && [ "$rows" -eq $((lines - 3 - end_seals)) ] ||
	die "export: $lines lines, but the end record says: $(cat "$work/export.end")"
export_rps=$(awk -v r="$rows" -v ns="$((t1 - t0))" 'BEGIN {printf "%.0f", r / (ns / 1e9)}')
export_growth=$(($(peak_mb "$server_pid") - rss_before))
echo "  $rows rows, $export_rps rows/s, RSS +$export_growth MB" >&2

echo "running: access decision on $decisions decisions..." >&2
BENCH_GROUP=$group1 BENCH_SUPPORT_TOKEN=$support_token run_wrk decision_full "$url" decide.lua "$server_pid"
wal_watch_stop
stop_server

if [ -n "${BENCH_DATABASE_URL:-}" ]; then
	stored=$(psql -qtA "$db" -c "SELECT pg_total_relation_size('access_decisions')")
	count=$(psql -qtA "$db" -c "SELECT COUNT(*) FROM access_decisions")
else
	stored=$(sqlite3 "$db" "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'access_decisions')")
	count=$(sqlite3 "$db" "SELECT COUNT(*) FROM access_decisions")
fi
bytes_per_decision=$(awk -v s="$stored" -v n="$count" 'BEGIN {printf "%.0f", s / n}')
echo "$decisions $load_s $rows $export_rps $export_growth $bytes_per_decision $count $seal_s" >"$work/logs"
