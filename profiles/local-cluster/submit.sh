#!/usr/bin/env bash
# Submit a Snakemake job script "to the cluster": run it in the background on this machine and
# print a job id (the process id), as sbatch/qsub would.
set -euo pipefail
jobscript="${@: -1}"
nohup bash "$jobscript" > "$jobscript.out" 2>&1 &
echo "$!"
