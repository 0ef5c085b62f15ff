#!/bin/bash
# Submits a sharded palett run to Slurm: an array of N shards, then the
# merge job, which waits for the whole array (afterok).
#
#   deploy/slurm/submit.sh N SCENARIO PARTS OUT [SAMPLES]
#
# PALETT (the binary; default `palett` on PATH), SEED and SBATCH_ARGS
# (extra sbatch options, e.g. a partition or account) are read from the
# environment. PARTS and OUT must be on a file system every node sees.
# Prints the two job ids.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 N SCENARIO PARTS OUT [SAMPLES]" >&2
  exit 2
fi
N=$1 SCENARIO=$2 PARTS=$3 OUT=$4 SAMPLES=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$PARTS"
export SCENARIO PARTS OUT SAMPLES PALETT="${PALETT:-palett}" SEED="${SEED:-}"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array=1-"$N" --export=ALL \
  --chdir="$PWD" --output="$PARTS/shard-%a.log" "$here/shards.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency=afterok:"$array" --export=ALL \
  --chdir="$PWD" --output="$PARTS/merge.log" "$here/merge.sbatch")
echo "$array $merge"
