#!/usr/bin/env bash
# Fills DATA for bench/gpu_batch.sh on a machine with network, for a GPU
# machine without: the corpus and the analogy questions, word2vec.c's source,
# and wheels of what that machine's Python lacks (gensim and smart_open; its
# numpy, scipy, wrapt, cupy, pytest, pytest-xdist and hypothesis are taken as
# there).
#
#   bash bench/gpu_data.sh DATA [CORPUS_DIR] [WORD2VEC_C] [PYTHON_VERSION]
#
# CORPUS_DIR holds en-8m.txt.gz and questions-words.txt (default
# ../shared/corpus); WORD2VEC_C is tmikolov/word2vec's word2vec.c with the
# end-of-file fix of bench/README.md (never committed here); PYTHON_VERSION is the GPU machine's (default 3.12).  DATA
# must be a folder git ignores (.gpu-data/ is) so that it travels only when
# asked for.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?DATA folder}
corpus_dir=${2:-../shared/corpus}
word2vec_c=${3:-}
python_version=${4:-3.12}
mkdir -p "$data/wheels"
install -m 644 "$corpus_dir/en-8m.txt.gz" "$corpus_dir/questions-words.txt" "$data/"
if [ -n "$word2vec_c" ]; then
    install -m 644 "$word2vec_c" "$data/word2vec.c"
else
    echo "no word2vec.c given: the cpu stage will stop before its benchmark" >&2
fi
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_24_x86_64 \
         manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64; do
    platforms+=(--platform "$p")
done
python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$python_version" \
    --implementation cp "${platforms[@]}" -d "$data/wheels" "gensim>=4.4" smart_open
du -sh "$data"
