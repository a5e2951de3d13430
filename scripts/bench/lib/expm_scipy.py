#!/usr/bin/python3
"""scipy.linalg.expm timings for scripts/bench/matexp.mjs, on one thread.

Usage: /usr/bin/python3 expm_scipy.py '<json job list>'
  job: {"file": ".../matexp-n128.bin", "reps": 10, "budget_ms": 2000}
The input file is little-endian float64 [n, A (n*n, row-major)]. Prints one JSON object:
{"available": true, "scipy": ..., "numpy": ..., "blas": [...], "results": [{"best_ms", "median_ms",
"samples", "inner", "value"}]} with value = sum of the entries of expm(A). Timing: best-of-N with the
same batching rule as scripts/bench/lib/timing.mjs.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

try:
    import numpy as np
    import scipy
    import scipy.linalg as sla
except ImportError as e:  # pragma: no cover
    print(json.dumps({"available": False, "reason": f"import failed: {e}"}))
    sys.exit(0)


def best_of(fn, max_reps, budget_ms, min_sample_ms=5.0, long_call_ms=50.0):
    per_call = []
    inner = 1
    t0 = time.perf_counter()
    value = fn()
    first = (time.perf_counter() - t0) * 1e3
    if first >= long_call_ms:
        per_call.append(first)
    else:
        while True:
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            if (time.perf_counter() - t0) * 1e3 >= min_sample_ms or inner >= 2**24:
                break
            inner *= 2
    start = time.perf_counter()
    while len(per_call) < max_reps and (len(per_call) < 2 or (time.perf_counter() - start) * 1e3 < budget_ms):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        per_call.append((time.perf_counter() - t0) * 1e3 / inner)
    per_call.sort()
    m = len(per_call)
    median = per_call[m // 2] if m % 2 else 0.5 * (per_call[m // 2 - 1] + per_call[m // 2])
    return {"best_ms": per_call[0], "median_ms": median, "samples": m, "inner": inner, "value": value}


def blas_info():
    try:
        cfg = np.__config__.get_info("blas_opt_info") if hasattr(np.__config__, "get_info") else {}
        return [str(x) for x in cfg.get("libraries", [])] or ["unknown"]
    except Exception:  # noqa: BLE001
        return ["unknown"]


jobs = json.loads(sys.argv[1])
results = []
for job in jobs:
    raw = np.fromfile(job["file"], dtype="<f8")
    n = int(raw[0])
    A = np.ascontiguousarray(raw[1:].reshape(n, n))
    results.append(best_of(lambda: float(sla.expm(A).sum()), job["reps"], job["budget_ms"]))
print(json.dumps({"available": True, "scipy": scipy.__version__, "numpy": np.__version__, "blas": blas_info(),
                  "threads": 1, "results": results}))
