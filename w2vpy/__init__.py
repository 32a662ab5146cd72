"""w2vpy: word2vec.c's algorithm as a Cython/C extension.

    from w2vpy import train, load
    vectors = train("corpus.txt", vector_size=100, sg=1, workers=4)
    vectors.save("vectors.bin")

gensim's workflow (build_vocab, train, callbacks, loss, save and go on):
``w2vpy.Word2Vec``.
"""
from w2vpy.api import train
from w2vpy.errors import CorruptInputError, TrainingDiverged, W2VError, W2VWarning
from w2vpy.model import Word2Vec
from w2vpy.word_vectors import WordVectors, load

__all__ = ["train", "load", "Word2Vec", "WordVectors", "W2VError", "W2VWarning",
           "CorruptInputError", "TrainingDiverged"]
__version__ = "0.1.0"
