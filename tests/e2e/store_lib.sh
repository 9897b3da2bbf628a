# Helpers of the store's end-to-end tests (sourced by storage_store*.sh).

# kill_rounds TARGET ROUNDS: run store_crash, kill it (the image on unix,
# the tender on hvt) with SIGKILL after a random while, and start it again
# with the last step it said it finished, ROUNDS times; then let it finish.
# Each start checks that the store holds that step or the next one.
kill_rounds() {
	local target=$1 rounds=$2 acked=-1 kills=0 round last rec
	RANDOM=$$
	for round in $(seq 1 "$rounds"); do
		"$MORGANA" run -t "$target" -- --acked=$acked --steps=1000000 \
			>out.txt 2>&1 &
		local pid=$!
		sleep "0.$((RANDOM % 5 + 1))$((RANDOM % 10))"
		kill -9 $pid 2>/dev/null && kills=$((kills + 1))
		wait $pid 2>/dev/null
		OUT=$(cat out.txt)
		CMD="store_crash --acked=$acked (round $round, killed)"
		assert_not_out MISMATCH
		assert_not_out failed
		rec=$(sed -n 's/^recovered at step //p' out.txt)
		# a run killed before it opened the store says nothing
		if [ "$acked" -ge 0 ] && [ -z "$rec" ] &&
			grep -q '^step ' out.txt; then
			fail "steps without a recovery line"
		fi
		last=$(grep -E '^step [0-9]+$' out.txt | tail -n 1 | cut -d' ' -f2)
		if [ -n "$last" ]; then
			acked=$last
		elif [ -n "$rec" ]; then
			acked=$rec
		fi
	done
	[ "$kills" -ge $((rounds / 2)) ] || fail "only $kills of $rounds runs were killed"
	[ "$acked" -gt 0 ] || fail "no step was ever finished"
	run "$MORGANA" run -t "$target" -- --acked=$acked --steps=$((acked + 40))
	assert_rc 0
	assert_out "recovered at step"
	assert_out "done at step $((acked + 40))"
	echo "  $target: $kills kills, $acked steps kept"
}
