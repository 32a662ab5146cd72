"""Training text and its vocabulary: files, directories and streams
(``text_files``), Python sentences (``sentences``), word2vec.c's tokenizer
(``tokenizer``), the counted vocabulary (``vocab``) and the text as int32 word ids
(``word_ids``).  Imports ``system`` only."""
