"""Shared helpers of the benchmark scripts: JSON output, machine info, memory.

Import it from a script in this folder (``python benchmarks/bench_x.py`` puts
``benchmarks/`` first on ``sys.path``)::

    from _common import add_json_argument, peak_memory, write_results

    parser = argparse.ArgumentParser()
    add_json_argument(parser, "bench_x")
    args = parser.parse_args()
    ...
    write_results("bench_x", {"rows": rows}, path=args.json)

``write_results`` stores ``{"benchmark", "machine", "argv", "results"}`` in
``benchmarks/results/<name>.json`` unless a path is given; numpy scalars and
arrays are converted to plain JSON.
"""

import datetime
import json
import os
import platform
import subprocess
import sys
import tracemalloc
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
REPO_ROOT = BENCH_DIR.parent
DATA_DIR = REPO_ROOT.parent / "shared" / "datasets"

# the views of the MULAN sets in ../shared/datasets (load_mulan_arff's views)
MULAN_VIEWS = {
    "emotions": {"rhythmic": "BH", "timbre": None},
    "yeast": {"expression": slice(0, 79), "phylogenetic": slice(79, 103)},
    # six 49-column colour-moment blocks (one per image region)
    "scene": {f"block{k}": slice(49 * k, 49 * (k + 1)) for k in range(6)},
}

if str(REPO_ROOT) not in sys.path:  # run from a source checkout
    try:
        import skmml  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT))

_PACKAGES = (
    "skmml",
    "numpy",
    "scipy",
    "scikit-learn",
    "torch",
    "skorch",
    "imbalanced-learn",
    "iterative-stratification",
    "scikit-multilearn",
)


def load_mulan_views(name, data_dir=DATA_DIR):
    """``(X, Y, modalities)`` of a MULAN set with its ``MULAN_VIEWS``.

    Reads ``<name>.arff``, or the ``-train`` / ``-test`` pair stacked (scene
    ships as MULAN's split); None when the files are not in ``data_dir``.
    """
    import numpy as np

    from skmml.datasets import load_mulan_arff

    path = Path(data_dir) / name
    files = [path / f"{name}.arff"]
    if not files[0].exists():
        files = [path / f"{name}-train.arff", path / f"{name}-test.arff"]
    if not all(f.exists() for f in files):
        return None
    parts = [
        load_mulan_arff(f, path / f"{name}.xml", views=MULAN_VIEWS[name]) for f in files
    ]
    X = np.vstack([np.asarray(p.data, dtype=np.float64) for p in parts])
    Y = np.vstack([np.asarray(p.target) for p in parts])
    return X, Y, {k: np.asarray(v) for k, v in parts[0].modalities.items()}


def _total_memory_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _git(*args):
    try:
        out = subprocess.run(
            ["git", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def machine_info():
    """Dictionary describing the machine, the software and the date."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        usable_cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        usable_cpus = os.cpu_count()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable_cpus,
        "memory_bytes": _total_memory_bytes(),
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": _git("rev-parse", "--short", "HEAD") or None,
        # uncommitted changes to tracked files: the commit is not the code run
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _to_json(obj):
    # numpy scalars and arrays, paths and anything else with a plain form
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, (set, tuple)):
        return list(obj)
    return str(obj)


def write_results(name, results, path=None):
    """Write ``results`` with the machine info as JSON and return the path.

    Parameters
    ----------
    name : str
        Benchmark name; the default path is ``benchmarks/results/<name>.json``.
    results : dict or list
        The numbers; numpy types are converted.
    path : str or Path, default=None
        Where to write instead of the default.
    """
    path = Path(path) if path else RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "machine": machine_info(),
        "argv": sys.argv[1:],
        "results": results,
    }
    path.write_text(json.dumps(payload, indent=2, default=_to_json) + "\n")
    print(f"results written to {path}")
    return path


def add_json_argument(parser, name):
    """Add ``--json PATH`` (default ``benchmarks/results/<name>.json``)."""
    parser.add_argument(
        "--json",
        default=None,
        metavar="PATH",
        help=f"where to write the numbers (default: benchmarks/results/{name}.json)",
    )
    return parser


def peak_memory(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)``; return ``(result, peak bytes)``.

    The peak is tracemalloc's: Python objects and numpy/scipy buffers
    allocated during the call (numpy reports its data buffers to
    tracemalloc), not memory held by torch, BLAS or other C libraries. For
    those, measure ``resource.getrusage(...).ru_maxrss`` in a subprocess
    (see ``maxrss_subprocess``).
    """
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        result = fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return result, peak


def maxrss_subprocess(code, timeout=None):
    """Run Python ``code`` in a fresh interpreter; return ``(stdout, maxrss)``.

    ``maxrss`` is the child's peak resident set size in bytes (Linux and
    macOS), i.e. everything the process touched including the interpreter and
    imports: compare two runs of the same setup rather than absolute values.
    Raises ``subprocess.TimeoutExpired`` after ``timeout`` seconds.
    """
    wrapper = (
        "import resource, sys\n"
        f"sys.path.insert(0, {str(BENCH_DIR)!r})\n"
        f"exec(compile({code!r}, '<benchmark>', 'exec'))\n"
        "print('__MAXRSS__', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", wrapper],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
    )
    if proc.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{proc.stderr}")
    out = proc.stdout
    lines = out.rstrip("\n").split("\n")
    rss = int(lines[-1].split()[1])
    # ru_maxrss is in KiB on Linux and in bytes on macOS
    rss = rss if sys.platform == "darwin" else rss * 1024
    return "\n".join(lines[:-1]), rss


def fmt_bytes(n):
    """Human-readable bytes (MiB with one decimal)."""
    return "n/a" if n is None else f"{n / 2**20:.1f} MiB"


def call_in_child(fn, *args, timeout=None, **kwargs):
    """Call ``fn(*args, **kwargs)`` in a forked child process and return its result.

    Raises ``TimeoutError`` (the child is killed) when it runs longer than
    ``timeout`` seconds. The result must be picklable. Where ``fork`` is not
    available (Windows) ``fn`` runs in this process, without a time limit.
    """
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:
        return fn(*args, **kwargs)
    recv, send = ctx.Pipe(duplex=False)

    def target():
        try:
            send.send((True, fn(*args, **kwargs)))
        except BaseException as exc:  # report, never hang the parent
            send.send((False, f"{type(exc).__name__}: {exc}"))

    proc = ctx.Process(target=target, daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            proc.kill()
            proc.join()
            raise TimeoutError(f"no result after {timeout} s")
        try:
            ok, value = recv.recv()
        except EOFError:
            proc.join()
            raise RuntimeError(
                f"child process died (exit code {proc.exitcode})"
            ) from None
    finally:
        recv.close()
    proc.join()
    if not ok:
        raise RuntimeError(value)
    return value
