"""Training: the tables (``huffman``, ``unigram_table``, ``subsampling``,
``hot_rows``), the weights and the checks before them (``weights``), the CPU
threads (``cpu_backend``) and the CUDA kernel's driver (``cuda_backend``, kernel in
``w2vpy/cuda/``), and saved models and checkpoints (``model_file``).  Imports ``text`` and
``system``."""
