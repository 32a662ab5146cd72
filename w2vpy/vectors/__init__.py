"""Word vectors on disk and their evaluation: word2vec.c's text and binary
formats and fastText's .vec (``vector_files``), analogy and word-pair
evaluation (``evaluation``), K-means word classes (``word_classes``).  Imports
``text`` (compressed files) and ``system``."""
