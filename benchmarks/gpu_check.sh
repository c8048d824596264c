#!/usr/bin/env bash
# Every GPU check in one run, for a session that is lent a GPU machine (15 minutes of device
# time in all: this script takes about 6, so that a rerun fits).
#
# That machine reaches no network; its python3 has torch, numpy, scikit-learn, pytest,
# hypothesis and matplotlib, but not lark. Here, once per checkout:
#     make gpu-wheels          # lark's wheel into .whl/ (ignored by git)
# then, with the device tool:
#     run(command="bash benchmarks/gpu_check.sh", carry=[".whl"], timeout_s=560)
# and afterwards, here, with the files that came back:
#     cp FILES_AT/results.jsonl benchmarks/results/results.jsonl
#     python -m benchmarks --report-only --readme README.md
#
# 1. benchmarks/gpu_carry.py: the carry model's log-probabilities and gradients on the GPU
#    against the CPU (N = 1, 2, 4, 15; float32, 1e-5), and its throughput at N = 15, batch
#    1024, forward + backward -> $OUT/gpu_carry.json, gpu_carry.txt
# 2. the CUDA tests (the same numbers on both devices: models, circuits, vision labels,
#    detectors; the ProbKT loop on the GPU) and the device-placement tests -> $OUT/tests.txt
# 3. the benchmark family `gpu` (CUDA against one CPU thread, batch 64 and 1024), for the
#    README's table -> $OUT/results.jsonl, gpu_family.txt
set -u -o pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu_check}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD
PY=${PYTHON:-python3}  # the machine's python3 holds its torch
if [ -d .whl ]; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD
fi
status=0
{ nvidia-smi; "$PY" -c "import torch, numpy, lark; print('torch', torch.__version__,
'cuda', torch.cuda.is_available(), 'numpy', numpy.__version__, 'lark', lark.__version__)"; } \
    > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt"

echo "== 1. benchmarks.gpu_carry"
timeout 280 "$PY" -m benchmarks.gpu_carry --json "$OUT/gpu_carry.json" 2>&1 \
    | tee "$OUT/gpu_carry.txt" || status=1

echo "== 2. CUDA and device-placement tests"
timeout 150 "$PY" -m pytest -q -p no:cacheprovider -rs tests/test_device_placement.py \
    "tests/test_layers.py::test_cuda_matches_cpu" \
    "tests/vision/test_adapters.py::test_detect_on_gpu" \
    "tests/vision/test_train.py::test_the_probkt_loop_runs_on_cuda" 2>&1 \
    | tee "$OUT/tests.txt" || status=1

echo "== 3. benchmark family gpu"
timeout 120 "$PY" -m benchmarks --quick gpu 2>&1 | tee "$OUT/gpu_family.txt" || status=1
cp benchmarks/results/results.jsonl "$OUT/" 2>/dev/null
exit $status
