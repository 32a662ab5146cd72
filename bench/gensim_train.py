"""Train gensim's Word2Vec with word2vec.c's flags (for the benchmark).

The corpus is streamed with LineSentence (lines cut into 10000-word
sentences).  gensim's faster corpus_file mode is not used: on a one-line
corpus such as en-8m it trained almost nothing (0.02% analogy accuracy)."""
import argparse
import logging

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("-train", required=True)
    p.add_argument("-output", required=True)
    for name, kind in (("-size", int), ("-window", int), ("-negative", int), ("-hs", int),
                       ("-cbow", int), ("-iter", int), ("-threads", int), ("-min-count", int),
                       ("-sample", float), ("-alpha", float)):
        p.add_argument(name, type=kind)
    a = p.parse_args()
    logging.disable(logging.CRITICAL)
    model = Word2Vec(sentences=LineSentence(a.train), vector_size=a.size, window=a.window,
                     negative=a.negative, hs=a.hs, sg=0 if a.cbow else 1, epochs=a.iter,
                     workers=a.threads, min_count=a.min_count, sample=a.sample,
                     alpha=a.alpha if a.alpha else (0.05 if a.cbow else 0.025), seed=1)
    model.wv.save_word2vec_format(a.output, binary=True)


if __name__ == "__main__":
    main()
