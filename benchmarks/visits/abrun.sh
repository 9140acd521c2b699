# Sourced by the pair scripts under results/: run NAME DIR COMMAND... runs COMMAND in DIR under
# /usr/bin/time -v, keeps its stdout, stderr and the load average before and after in $out/NAME.*, and appends a line
# to $out/summary.txt: the exit code, the wall seconds, and the machine's busy CPU seconds meanwhile.
# (The scripts ran with this helper written into each, reading the same jiffies through /tmp/cpu.sh.)
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }  # user+nice+system+irq+softirq+steal
run() { local name=$1; local wt=$2; shift 2
  local a=$(busy); local t0=$(date +%s.%N); uptime > $out/$name.uptime
  (cd $wt && /usr/bin/time -v "$@" > $out/$name.out 2> $out/$name.err); local rc=$?
  local b=$(busy); local t1=$(date +%s.%N); uptime >> $out/$name.uptime
  echo "$name rc=$rc wall=$(echo "$t1-$t0"|bc) machine_busy_s=$(echo "($b-$a)/100"|bc -l) $(date +%T)" >> $out/summary.txt; }
# owner_psql HOME ARGS... runs psql as the APDB owner of an embedded cluster's APDB_HOME (its port and secret files).
owner_psql() { local home=$1; shift; PGPASSWORD=$(cat $home/secret) psql -h 127.0.0.1 -p $(cat $home/port) -U apdb -d apdb "$@"; }
