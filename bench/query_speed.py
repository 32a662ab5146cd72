"""Query speed: most_similar over 100k x 300 vectors, and the analogy
evaluation of compute-accuracy (30000 words) on a vector file.

    python bench/query_speed.py [VECTORS.bin QUESTIONS]
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from w2vpy import WordVectors, load  # noqa: E402
from w2vpy.vectors.evaluation import analogy_accuracy  # noqa: E402


def best_of(fn, repeats=20):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


def main() -> None:
    rng = np.random.default_rng(0)
    kv = WordVectors([f"w{i}" for i in range(100_000)],
                     rng.standard_normal((100_000, 300)).astype(np.float32))
    kv.unit_vectors  # normalised once, as any repeated use would
    lo, med = best_of(lambda: kv.most_similar("w123", topn=10))
    print(f"most_similar, 100000 x 300, topn=10: min {lo * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
    lo, med = best_of(lambda: kv.most_similar(positive=["w1", "w2"], negative=["w3"], topn=10))
    print(f"most_similar analogy form: min {lo * 1e3:.1f} ms, median {med * 1e3:.1f} ms")
    if len(sys.argv) == 3:
        start = time.perf_counter()
        vectors = load(sys.argv[1])
        loaded = time.perf_counter()
        result = analogy_accuracy(vectors, sys.argv[2], 30000)
        done = time.perf_counter()
        print(f"load {loaded - start:.2f} s; analogy evaluation {done - loaded:.2f} s; "
              f"accuracy {result.accuracy * 100:.2f}% on {result.seen} questions")


if __name__ == "__main__":
    main()
