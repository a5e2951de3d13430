"""The FID route of pytorch-fid, timed on the mathlens benchmark inputs.

Run by scripts/bench/gaussian.mjs with Debian's /usr/bin/python3 (numpy + scipy):
    python3 fid_scipy.py '<json: [{"file": path, "reps": N, "budget_ms": B}, ...]>'
Prints one JSON object to stdout. Without numpy/scipy it prints {"available": false, ...} and exits 0.

frechet_distance() follows calculate_frechet_distance of pytorch-fid (src/pytorch_fid/fid_score.py):
sqrtm of the non-symmetric product Σ1·Σ2 with disp=False, the eps·I fallback when the result is not
finite, the check that any imaginary part is small, then the trace formula. The whole function is
timed (the O(d³) sqrtm dominates), best-of-N like the other sides.
"""
import json
import sys
import time

try:
    import numpy as np
    import scipy
    from scipy import linalg
except ImportError as e:  # skip gracefully
    print(json.dumps({"available": False, "reason": f"{type(e).__name__}: {e}"}))
    sys.exit(0)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    """Returns (FID, notes); same steps as pytorch-fid's calculate_frechet_distance."""
    notes = []
    mu1 = np.atleast_1d(mu1)
    mu2 = np.atleast_1d(mu2)
    sigma1 = np.atleast_2d(sigma1)
    sigma2 = np.atleast_2d(sigma2)
    assert mu1.shape == mu2.shape and sigma1.shape == sigma2.shape
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        notes.append(f"singular product: added {eps} to the diagonal of both covariances")
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"Imaginary component {np.max(np.abs(covmean.imag))}")
        notes.append(f"complex sqrtm; max |imag| {float(np.max(np.abs(covmean.imag))):.3g} dropped")
        covmean = covmean.real
    tr_covmean = np.trace(covmean)
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean), notes


def read_inputs(path):
    a = np.fromfile(path, dtype="<f8")
    d = int(a[0])
    o = 1
    out = []
    for _ in range(2):
        mean = a[o:o + d].copy()
        o += d
        cov = a[o:o + d * d].reshape(d, d).copy()
        o += d * d
        out.append((mean, cov))
    return d, out[0], out[1]


def best_of(fn, reps, budget_ms):
    """Same rule as scripts/bench/lib/timing.mjs: first call kept if ≥ 50 ms, else warm-up + batches."""
    per_call = []
    inner = 1
    t0 = time.perf_counter()
    value = fn()
    first = (time.perf_counter() - t0) * 1e3
    if first >= 50:
        per_call.append(first)
    else:
        while True:
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            if (time.perf_counter() - t0) * 1e3 >= 5 or inner >= 1 << 20:
                break
            inner *= 2
    start = time.perf_counter()
    while len(per_call) < reps and (len(per_call) < min(2, reps) or (time.perf_counter() - start) * 1e3 < budget_ms):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        per_call.append((time.perf_counter() - t0) * 1e3 / inner)
    per_call.sort()
    m = len(per_call)
    median = per_call[m // 2] if m % 2 else 0.5 * (per_call[m // 2 - 1] + per_call[m // 2])
    return {"best_ms": per_call[0], "median_ms": median, "samples": m, "inner": inner, "value": value}


def loaded_blas():
    """Shared libraries with blas/lapack in their names mapped into this process (which BLAS numpy uses)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1].lower()
                if path.startswith("/") and name.startswith("lib") and ("blas" in name or "lapack" in name):
                    libs.add(path)
    except OSError:
        pass
    return sorted(libs)


def main():
    jobs = json.loads(sys.argv[1])
    results = []
    for job in jobs:
        d, (m1, s1), (m2, s2) = read_inputs(job["file"])
        notes_seen = []

        def run():
            value, notes = frechet_distance(m1, s1, m2, s2)
            notes_seen.extend(n for n in notes if n not in notes_seen)
            return value

        r = best_of(run, int(job.get("reps", 3)), float(job.get("budget_ms", 3000)))
        r.update(d=d, file=job["file"], notes=notes_seen)
        results.append(r)
    print(json.dumps({
        "available": True,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "blas": loaded_blas(),
        "route": "scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False) + trace (pytorch-fid calculate_frechet_distance)",
        "results": results,
    }))


if __name__ == "__main__":
    main()
