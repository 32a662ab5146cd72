# The training threads: the C config filled from the Python objects, and the
# run the Python driver waits on.  Included by _core.pyx.
from sigmoid_table cimport w2v_sigmoid_table_fill
from trainer cimport *
from w2v_constants cimport W2V_EXP_TABLE_SIZE

HOT_MERGE_WORDS = W2V_HOT_MERGE_WORDS


cdef void fill_training_config(w2v_train_config *c, params) except *:
    """The C config's parameters from a validated TrainingParams, field by
    field under the same names (gensim's init_w2v_config does the same)."""
    c.vector_size = params.vector_size
    c.window = params.window
    c.sample = params.sample
    c.hs = params.hs
    c.negative = params.negative
    c.workers = params.workers
    c.sg = params.sg
    c.cbow_mean = params.cbow_mean
    c.sequential_dot = params.sequential_dot
    c.compute_loss = params.compute_loss


cdef class TrainingRun:
    """One training run: holds every array the C threads read, so none can be
    freed while they run, and exposes their progress to the Python loop."""
    cdef w2v_train_config config
    cdef w2v_trainer *trainer
    cdef list keep_alive
    cdef float sigmoid[W2V_EXP_TABLE_SIZE]

    def __cinit__(self):
        self.trainer = NULL
        self.keep_alive = []
        w2v_sigmoid_table_fill(self.sigmoid)

    def __dealloc__(self):
        if self.trainer != NULL:
            w2v_trainer_request_stop(self.trainer)
            with nogil:
                w2v_trainer_join(self.trainer)
            self.trainer = NULL

    def start(self, params, *, syn0, syn1, syn1neg, keep_threshold, tree, noise_table,
              int64_t epochs, float schedule_alpha, int64_t schedule_words,
              int64_t words_before, thread_random, thread_alpha, epoch_loss,
              int corpus_fd, int64_t corpus_tokens, int64_t hot_hs_rows=0,
              int64_t hot_ns_rows=0):
        """Starts the threads on a validated TrainingParams and the tables made
        from the vocabulary (``tree``: a HuffmanTree when ``params.hs``) for
        ``epochs`` passes of a schedule (see trainer.h).  ``thread_random``
        (uint64) and ``thread_alpha`` (float32) hold one entry per worker and
        are updated in place; ``epoch_loss`` (float64, one per pass, zeroed)
        receives the losses when ``params.compute_loss``."""
        cdef float[:, ::1] s0 = syn0
        cdef float[:, ::1] s1
        cdef float[:, ::1] sn
        cdef uint32_t[::1] kt = keep_threshold
        cdef int64_t[::1] co
        cdef uint8_t[::1] cd
        cdef int32_t[::1] pt
        cdef NoiseTable noise
        cdef uint64_t[::1] randoms = thread_random
        cdef float[::1] alphas = thread_alpha
        cdef double[::1] losses
        cdef w2v_train_config *c = &self.config
        if self.trainer != NULL:
            raise RuntimeError("this run has already started")
        if randoms.shape[0] != params.workers or alphas.shape[0] != params.workers:
            raise ValueError("thread_random and thread_alpha need one entry per worker")
        self.keep_alive = [syn0, syn1, syn1neg, keep_threshold, tree, noise_table,
                           thread_random, thread_alpha, epoch_loss]
        fill_training_config(c, params)
        c.epochs = epochs
        c.alpha = schedule_alpha
        c.schedule_words = schedule_words
        c.words_before = words_before
        c.thread_random = &randoms[0]
        c.thread_alpha = &alphas[0]
        c.epoch_loss = NULL
        if c.compute_loss:
            losses = epoch_loss
            if losses.shape[0] < epochs:
                raise ValueError("epoch_loss needs one entry per pass")
            c.epoch_loss = &losses[0]
        c.syn0 = &s0[0, 0]
        c.vocab_size = s0.shape[0]
        c.syn1 = NULL
        c.syn1neg = NULL
        c.code_offsets = NULL
        c.codes = NULL
        c.points = NULL
        c.unigram_table = NULL
        if c.hs:
            s1 = syn1
            co = tree.code_offsets
            cd = tree.codes
            pt = tree.points
            c.syn1 = &s1[0, 0]
            c.code_offsets = &co[0]
            c.codes = &cd[0]
            c.points = &pt[0]
        if c.negative > 0:
            sn = syn1neg
            noise = noise_table
            c.syn1neg = &sn[0, 0]
            c.unigram_table = &noise.table
        c.keep_threshold = &kt[0]
        c.sigmoid_table = self.sigmoid
        c.hot_hs_rows = hot_hs_rows
        c.hot_ns_rows = hot_ns_rows
        c.corpus_fd = corpus_fd
        c.corpus_tokens = corpus_tokens
        self.trainer = w2v_trainer_start(&self.config)
        if self.trainer == NULL:
            raise OSError("cannot start the training threads")

    @property
    def words_done(self):
        return w2v_trainer_words_done(self.trainer) if self.trainer != NULL else 0

    @property
    def alpha(self):
        return w2v_trainer_alpha(self.trainer) if self.trainer != NULL else float("nan")

    @property
    def hot_merges(self):
        """Merges of the threads' private hot rows so far (hot_rows.h)."""
        return w2v_trainer_hot_merges(self.trainer) if self.trainer != NULL else 0

    def wait(self, double seconds):
        """Wait up to ``seconds`` for the threads to end; True once they have."""
        cdef int finished = 1
        if self.trainer != NULL:
            with nogil:
                finished = w2v_trainer_wait(self.trainer, seconds)
        return bool(finished)

    def request_stop(self):
        if self.trainer != NULL:
            w2v_trainer_request_stop(self.trainer)

    def join(self):
        """Wait for the threads; raises MemoryError if a thread could not
        allocate its buffers, OSError if a corpus read failed."""
        cdef int err = 0
        if self.trainer == NULL:
            return
        with nogil:
            err = w2v_trainer_join(self.trainer)
        self.trainer = NULL
        self.keep_alive = []
        if err == errno.ENOMEM:
            raise MemoryError("a training thread could not allocate its buffers and private "
                              "rows: lower the threads (workers) or the hot rows")
        if err:
            raise OSError(err, "reading the encoded corpus failed during training")
