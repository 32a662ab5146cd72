#!/usr/bin/env bash
# w2vpy on aarch64, end to end, on an x86-64 Debian machine (as root):
#  1. Debian's aarch64 cross compiler and qemu-user; a minimal arm64 Debian
#     with Python unpacked into a private sysroot (debootstrap's first stage:
#     unpacked, not installed, nothing of this machine's system replaced);
#     numpy for aarch64 as PyPI's manylinux wheel of this machine's version;
#  2. the core cross-compiled (Cython's C from this machine, the arm64 Python
#     and numpy headers, setup.py's flags: one NEON build, no dispatch);
#  3. the demo corpus trained under qemu-aarch64 (one thread, fixed seed) and
#     here, and the SHA-256 of both vector files compared.
# Under emulation this is not a speed figure.  Work folder: $W2V_AARCH64_WORK
# (kept, so a second run skips the downloads) or a temporary one.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${W2V_AARCH64_WORK:-$(mktemp -d)}"
mkdir -p "$work"
sysroot="$work/sysroot" site="$work/site" pkg="$work/pkg"
modes=("-cbow 1 -hs 0 -negative 5" "-cbow 0 -hs 1 -negative 0")

step() { printf '\n== %s\n' "$*"; }

step "toolchain: qemu-user, gcc-aarch64-linux-gnu, debootstrap"
command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null \
    && command -v debootstrap >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user gcc-aarch64-linux-gnu \
        debootstrap >/dev/null
}

step "arm64 sysroot with Python 3.11 (unpacked, not installed)"
if [[ ! -x "$sysroot/usr/bin/python3.11" ]]; then
    # the Debian mirror apt is set up with (deb.debian.org where none is found)
    mirror=$(sed -nE 's|^URIs: *(\S+/debian)$|\1|p; s|^deb +(\S+/debian) .*|\1|p' \
        /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 || true)
    debootstrap --foreign --arch=arm64 --variant=minbase \
        --include=python3.11-minimal,libpython3.11-stdlib,libpython3.11-dev,python3.11-dev \
        bookworm "$sysroot" "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1
    # first stage only unpacks the base; unpack the Python packages it fetched too
    for deb in "$sysroot"/var/cache/apt/archives/*.deb; do dpkg -x "$deb" "$sysroot"; done
fi
pyver=$(python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
[[ $pyver == 3.11 ]] || { echo "this machine's Python is $pyver; the sysroot's is 3.11" >&2; exit 1; }

step "numpy for aarch64: PyPI's wheel of this machine's version"
numpy_version=$(python -c 'import numpy; print(numpy.__version__)')
if [[ ! -d "$site/numpy" ]]; then
    mkdir -p "$work/wheels" "$site"
    python -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
        --implementation cp --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64 \
        --platform manylinux_2_28_aarch64 -d "$work/wheels" "numpy==$numpy_version"
    python -m zipfile -e "$work"/wheels/numpy-*.whl "$site"
fi

step "cross-compiling the core"
rm -rf "$pkg" && mkdir -p "$pkg" && cp -r "$repo/w2vpy" "$pkg/" && rm -f "$pkg"/w2vpy/_core*.so
cython -3 -I "$repo/src/word2vec_c" -I "$repo/w2vpy/include" "$repo/src/word2vec_c/_core.pyx" -o "$work/_core.c"
flags=$(python - "$repo/setup.py" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
print(" ".join(next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign)
                    and getattr(n.targets[0], "id", "") == "PORTABLE_FLAGS")))
PY
)
aarch64-linux-gnu-gcc -shared -fPIC $flags -Wall \
    -DNPY_NO_DEPRECATED_API=NPY_1_7_API_VERSION \
    -I "$repo/src/word2vec_c" -I "$repo/w2vpy/include" -I "$sysroot/usr/include/python3.11" \
    -idirafter "$sysroot/usr/include" -I "$site/numpy/_core/include" \
    "$work/_core.c" $(ls "$repo"/src/word2vec_c/*.c | grep -v '/_core.c$') \
    -o "$pkg/w2vpy/_core.cpython-311-aarch64-linux-gnu.so" -lm
file "$pkg/w2vpy/_core.cpython-311-aarch64-linux-gnu.so" | sed 's/,.*BuildID.*//'

step "training the demo corpus: aarch64 under qemu, and here"
for mode in "${modes[@]}"; do
    args=(-m w2vpy.cli -train "$repo/data/wordnet-glosses.txt.gz" -size 100 -iter 1
          -threads 1 -binary 1 -debug 0 $mode)
    # from the work folder: python -m would import the checkout's w2vpy first
    (cd "$work" && PYTHONPATH="$pkg:$site" QEMU_LD_PREFIX="$sysroot" PYTHONHOME="$sysroot/usr" \
        qemu-aarch64 "$sysroot/usr/bin/python3.11" "${args[@]}" -output "$work/aarch64.bin")
    (cd "$repo" && python "${args[@]}" -output "$work/x86_64.bin")
    arm=$(sha256sum <"$work/aarch64.bin" | cut -d' ' -f1)
    here=$(sha256sum <"$work/x86_64.bin" | cut -d' ' -f1)
    echo "$mode: aarch64 $arm"
    echo "$mode: $(uname -m)  $here"
    [[ $arm == "$here" ]] || { echo "DIFFERENT vectors" >&2; exit 1; }
done
echo "identical"
