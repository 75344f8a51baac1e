#!/usr/bin/env bash
# The GPU checks in one run, for a machine with an NVIDIA GPU, CuPy and PyTorch:
# the engine's tests (those taking ``xp`` run on cupy too), then bench/gpu.py with the
# cost-constant fit.  Logs go to OUTDIR (default: the current folder).
#
#     bash bench/gpu_run.sh OUTDIR [bench/gpu.py options ...]
set -uo pipefail
out="${1:-.}"
shift || true
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi -L 2>&1 | tee "$out/device.log"
python3 -c 'import cupy, numpy, scipy, torch; print("cupy", cupy.__version__, "numpy", numpy.__version__, "scipy", scipy.__version__, "torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tee -a "$out/device.log"
# the app's test needs Textual and pytest-asyncio, which a GPU machine may lack
timeout 240 python3 -m pytest tests/engine convtui/engine -q -p no:cacheprovider \
    -k "not app_shows" -W ignore::pytest.PytestConfigWarning 2>&1 | tee "$out/tests.log"
echo "tests exit: ${PIPESTATUS[0]}" | tee -a "$out/tests.log"
timeout 330 python3 bench/gpu.py --fit --budget 0.3 "$@" 2>&1 | tee "$out/bench.log"
echo "bench exit: ${PIPESTATUS[0]}" | tee -a "$out/bench.log"
