"""w2vpy: word2vec.c's algorithm as a Cython/C extension.

    from w2vpy import train, load
    vectors = train("corpus.txt", vector_size=100, sg=1, workers=4)
    vectors.save("vectors.bin")
"""
from w2vpy.api import train
from w2vpy.errors import CorruptInputError, TrainingDiverged, W2VError
from w2vpy.word_vectors import WordVectors, load

__all__ = ["train", "load", "WordVectors", "W2VError", "CorruptInputError", "TrainingDiverged"]
__version__ = "0.1.0"
