#!/usr/bin/env bash
# One-thread vectors must not depend on which instruction set trained them.
# Builds the core three times outside the source tree, each for one
# instruction set only (-DW2V_NO_CLONES: the baseline; plus -mavx2, plus
# -mavx512f: what the load-time clones are compiled to), trains the demo
# corpus with each (skip-gram+NS and CBOW+HS, one thread) and prints the
# SHA-256 of every vector file: each mode's lines must show one hash.
# Needs a CPU with AVX-512 for the last build to run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for isa in baseline avx2 avx512f; do
    flags="-DW2V_NO_CLONES"
    [[ $isa != baseline ]] && flags+=" -m$isa"
    mkdir -p "$work/$isa"
    cp -r "$repo/setup.py" "$repo/pyproject.toml" "$repo/README.md" "$repo/src" "$repo/w2vpy" "$work/$isa/"
    rm -f "$work/$isa"/w2vpy/_core*.so "$work/$isa"/src/word2vec_c/_core.c
    (cd "$work/$isa" && CFLAGS="$flags" python setup.py -q build_ext --inplace >/dev/null 2>&1)
    so=$(ls "$work/$isa"/w2vpy/_core*.so)
    echo "build $isa: $(objdump -d "$so" | grep -c '%ymm') instructions on ymm, $(objdump -d "$so" | grep -c '%zmm') on zmm registers" >&2
    for mode in "-cbow 0 -hs 0 -negative 5" "-cbow 1 -hs 1 -negative 0"; do
        out="$work/$isa/vectors.bin"
        (cd "$work/$isa" && python -m w2vpy.cli -train "$repo/data/wordnet-glosses.txt.gz" \
            -output "$out" -size 100 -iter 1 -threads 1 -binary 1 -debug 0 $mode)
        echo "$(sha256sum "$out" | cut -d' ' -f1)  $isa  $mode"
    done
done | sort -k3
