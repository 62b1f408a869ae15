#!/usr/bin/env bash
# GPU check of RMLC (issue 15): the CUDA tests and the epoch benchmark on CPU
# and CUDA at batch sizes 64, 256 and 1024, in well under 5 minutes.
#
# Two steps:
#
# 1. Where pip reaches PyPI (a developer's machine), in the repository root:
#
#        bash benchmarks/gpu_check.sh prepare
#
#    downloads the wheels that a GPU image without network lacks (skorch,
#    imbalanced-learn, sklearn-compat, and scikit-learn in case the image's
#    is older than 1.6) into .whl/ (about 15 MB; git ignores it through
#    .git/info/exclude, which this step extends).
#
# 2. On the GPU machine, in a copy of the repository with .whl/ beside it:
#
#        bash benchmarks/gpu_check.sh
#
#    installs the wheels into /tmp/site (no network), puts the repository on
#    PYTHONPATH (no `pip install -e .` needed), then runs the CUDA-marked
#    tests and `benchmarks/bench_rmlc_epoch.py --devices cpu cuda`. The logs
#    and the benchmark's JSON go to $OUT (default /tmp/gpu_check); the table
#    ends with the speedup of an RMLC epoch on the GPU over the CPU at the
#    default batch size (target >= 3).
#
# Environment: PYTHON (default python3), OUT, WHEEL_DIR (default .whl),
# BENCH_ARGS (extra arguments of the benchmark).
set -uo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
WHEEL_DIR=${WHEEL_DIR:-.whl}
OUT=${OUT:-/tmp/gpu_check}

if [ "${1:-run}" = "prepare" ]; then
    set -e
    mkdir -p "$WHEEL_DIR"
    # pure-Python wheels, any platform
    $PYTHON -m pip download --no-deps --only-binary=:all: -d "$WHEEL_DIR" \
        "skorch==1.4.0" "imbalanced-learn==0.14.2" "sklearn-compat==0.1.6"
    # scikit-learn for the GPU image's Python 3.12 (used only if its own is old)
    $PYTHON -m pip download --no-deps --only-binary=:all: -d "$WHEEL_DIR" \
        --python-version 3.12 --implementation cp \
        --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 "scikit-learn==1.9.1"
    if [ -d .git ] && [ "${WHEEL_DIR#/}" = "$WHEEL_DIR" ] \
        && ! grep -qx "/$WHEEL_DIR/" .git/info/exclude 2>/dev/null; then
        echo "/$WHEEL_DIR/" >> .git/info/exclude
    fi
    ls -l "$WHEEL_DIR"
    echo "carry $WHEEL_DIR to the GPU machine and run: bash benchmarks/gpu_check.sh"
    exit 0
fi

mkdir -p "$OUT"
LOG="$OUT/gpu_check.log"
exec > >(tee "$LOG") 2>&1
start=$(date +%s)
export PYTHONUNBUFFERED=1

echo "== machine"
nvidia-smi -L || true
nproc

echo "== wheels"
site=/tmp/site
wheels=()
for w in "$WHEEL_DIR"/*.whl; do
    [ -e "$w" ] || continue
    case "$(basename "$w")" in
        scikit_learn-*)
            # only when the image's scikit-learn is older than 1.6
            if $PYTHON -c "import sklearn, sys; v = tuple(int(x) for x in sklearn.__version__.split('.')[:2]); sys.exit(v >= (1, 6))" 2>/dev/null; then
                wheels+=("$w")
            fi
            ;;
        *) wheels+=("$w") ;;
    esac
done
if [ ${#wheels[@]} -gt 0 ]; then
    $PYTHON -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
        --upgrade --target "$site" "${wheels[@]}" || echo "wheel install failed"
fi
export PYTHONPATH="$site:$PWD${PYTHONPATH:+:$PYTHONPATH}"
$PYTHON - <<'EOF'
import importlib
for name in ("torch", "numpy", "sklearn", "skorch", "imblearn", "sklearn_compat", "skmml"):
    try:
        module = importlib.import_module(name)
        print(f"{name:15s} {getattr(module, '__version__', '?')}")
    except Exception as exc:  # noqa: BLE001
        print(f"{name:15s} MISSING ({exc!r})")
import torch
print("cuda available:", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")
EOF

echo "== CUDA tests (and the CPU emulation of the graphs)"
timeout 150 $PYTHON -m pytest -q -p no:randomly -o addopts="-p no:cacheprovider" \
    skmml/neural/tests/test_rmlc_speed_modes.py -rs 2>&1 | tee "$OUT/pytest.log"
echo "pytest exit: ${PIPESTATUS[0]}"

echo "== epoch benchmark, CPU vs CUDA"
# shellcheck disable=SC2086
timeout 200 $PYTHON benchmarks/bench_rmlc_epoch.py --devices cpu cuda \
    --batch-sizes 64 256 1024 --rounds 2 --epochs 3 --variants eager \
    --json "$OUT/bench_rmlc_epoch_gpu.json" ${BENCH_ARGS:-}
echo "bench exit: $?"

echo "== done in $(( $(date +%s) - start )) s; files in $OUT"
ls -l "$OUT"
