#!/usr/bin/env bash
# `make demo`: merge the bundled agent state fixtures, one clean merge and one with conflicts.
set -u
statemerge=${1:-statemerge}
fixtures=fixtures/merge
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== 1. A clean merge: two agents changed one state file on two branches"
echo "   (ours finished task t2 and added t4; theirs started t3, added t5 and a tester agent)"
echo "\$ statemerge merge $fixtures/agents-clean/{base,ours,theirs}.json -o merged.json"
"$statemerge" merge "$fixtures"/agents-clean/{base,ours,theirs}.json -o "$out/merged.json"
echo "exit $?"
diff -u "$fixtures/agents-clean/ours.json" "$out/merged.json" | sed 's/^/   /'

echo
echo "== 2. A merge with conflicts: both sides changed task t2's status and the token counter"
echo "\$ statemerge merge $fixtures/agents-conflict/{base,ours,theirs}.json --report-json report.json"
"$statemerge" merge "$fixtures"/agents-conflict/{base,ours,theirs}.json \
    --report-json "$out/report.json" > "$out/conflicted.json"
echo "exit $? (1: conflicts left, marked in the output)"
grep -n -A4 '^ *<<<<<<<' "$out/conflicted.json" | sed 's/^/   /'
echo "   report.json:"
sed 's/^/   /' "$out/report.json"

echo
echo "== 3. The same merge with rules (.statemerge.yaml: sum, max, lww, union, theirs)"
echo "\$ statemerge merge $fixtures/rules-counters/{base,ours,theirs}.json"
"$statemerge" merge "$fixtures"/rules-counters/{base,ours,theirs}.json
echo "exit $?"

echo
echo "== 4. YAML as written: ours renamed the container 'server' to 'web', theirs bumped its image"
echo "   (git merge-file leaves a conflict here; statemerge sees one renamed record and keeps"
echo "   every comment and quote as written)"
echo "\$ statemerge merge $fixtures/renamed-record/{base,ours,theirs}.yaml"
"$statemerge" merge "$fixtures"/renamed-record/{base,ours,theirs}.yaml > "$out/renamed.yaml"
echo "exit $?"
diff -u "$fixtures/renamed-record/ours.yaml" "$out/renamed.yaml" | sed 's/^/   /'
exit 0
