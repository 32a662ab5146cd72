# The training threads: the C config filled from the Python objects, and the
# run the Python driver waits on.  Included by _core.pyx.
from sigmoid_table cimport w2v_sigmoid_table_fill
from trainer cimport *
from w2v_constants cimport W2V_EXP_TABLE_SIZE

HOT_MERGE_WORDS = W2V_HOT_MERGE_WORDS


cdef void fill_training_config(w2v_train_config *c, params) except *:
    """The C config's parameters from a validated TrainingParams, by name
    (gensim's init_w2v_config does the same field by field): each field of
    ``params`` that trainer.h's W2V_PARAMETERS lists is set, the others (read
    before the threads start, or set from the schedule) are not the threads'."""
    for name, value in vars(params).items():
        # an integer in both forms, so that a REAL field takes it too; a float
        # only as itself (an INT field never declares one: tests/test_binding.py)
        if isinstance(value, (bool, int)):
            w2v_config_set_parameter(c, name.encode(), value, float(value))
        elif isinstance(value, float):
            w2v_config_set_parameter(c, name.encode(), 0, value)


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

    def start(self, params, weights, tables, state, int64_t epochs, epoch_loss, int corpus_fd,
              int64_t corpus_tokens, syn0_lockf=None):
        """Starts the threads for ``epochs`` passes of a schedule (see trainer.h)
        over the encoded corpus open as ``corpus_fd`` (``corpus_tokens`` ids).

        ``params`` is a validated TrainingParams, the rest as w2vpy's CPU
        driver holds them: ``weights`` (syn0, syn1, syn1neg), ``tables``
        (keep_threshold; tree, a HuffmanTree when ``params.hs``; noise_table;
        hot) and ``state`` (schedule_alpha, schedule_words, words_done, and
        thread_random (uint64) and thread_alpha (float32), one entry per
        worker, updated in place).  ``epoch_loss`` (float64, one per pass,
        zeroed) receives the losses when ``params.compute_loss``.
        ``syn0_lockf`` (float32, one factor per row of syn0, or None for
        word2vec.c's updates) scales each input row's updates (gensim's
        vectors_lockf)."""
        if self.trainer != NULL:
            raise RuntimeError("this run has already started")
        self.keep_alive = []
        # what this run does not use (an objective's layer and table) stays NULL
        memset(&self.config, 0, sizeof(self.config))
        fill_training_config(&self.config, params)
        self.config.alpha_floor = -1.0 if params.min_alpha is None else params.min_alpha
        self._set_schedule(state, epochs, epoch_loss)
        self._set_input(weights.syn0, tables.keep_threshold)
        if syn0_lockf is not None:
            self._set_lock_factors(syn0_lockf)
        if self.config.hs:
            self._set_hierarchical_softmax(weights.syn1, tables.tree)
        if self.config.negative > 0:
            self._set_negative_sampling(weights.syn1neg, tables.noise_table)
        self.config.sigmoid_table = self.sigmoid
        self.config.hot_hs_rows = tables.hot.hs_rows
        self.config.hot_ns_rows = tables.hot.ns_rows
        self.config.corpus_fd = corpus_fd
        self.config.corpus_tokens = corpus_tokens
        self.trainer = w2v_trainer_start(&self.config)
        if self.trainer == NULL:
            raise OSError("cannot start the training threads")

    cdef int _set_schedule(self, state, int64_t epochs, epoch_loss) except -1:
        """Where the schedule stands and each thread's carried state."""
        cdef uint64_t[::1] randoms = state.thread_random
        cdef float[::1] alphas = state.thread_alpha
        cdef double[::1] losses
        cdef w2v_train_config *c = &self.config
        if randoms.shape[0] != c.workers or alphas.shape[0] != c.workers:
            raise ValueError("thread_random and thread_alpha need one entry per worker")
        c.epochs = epochs
        c.alpha = state.schedule_alpha
        c.schedule_words = state.schedule_words
        c.words_before = state.words_done
        c.thread_random = &randoms[0]
        c.thread_alpha = &alphas[0]
        self.keep_alive += [randoms, alphas]
        if c.compute_loss:
            losses = epoch_loss
            if losses.shape[0] < epochs:
                raise ValueError("epoch_loss needs one entry per pass")
            c.epoch_loss = &losses[0]
            self.keep_alive.append(losses)
        return 0

    cdef int _set_input(self, syn0, keep_threshold) except -1:
        cdef float[:, ::1] rows = syn0
        cdef uint32_t[::1] keep = keep_threshold
        self.config.syn0 = &rows[0, 0]
        self.config.vocab_size = rows.shape[0]
        self.config.keep_threshold = &keep[0]
        self.keep_alive += [rows, keep]
        return 0

    cdef int _set_lock_factors(self, syn0_lockf) except -1:
        cdef const float[::1] factors = syn0_lockf
        if factors.shape[0] != self.config.vocab_size:
            raise ValueError("syn0_lockf needs one factor per row of syn0")
        self.config.syn0_lockf = &factors[0]
        self.keep_alive.append(factors)
        return 0

    cdef int _set_hierarchical_softmax(self, syn1, tree) except -1:
        cdef float[:, ::1] rows = syn1
        cdef int64_t[::1] code_offsets = tree.code_offsets
        cdef uint8_t[::1] codes = tree.codes
        cdef int32_t[::1] points = tree.points
        self.config.syn1 = &rows[0, 0]
        self.config.code_offsets = &code_offsets[0]
        self.config.codes = &codes[0]
        self.config.points = &points[0]
        self.keep_alive += [rows, code_offsets, codes, points]
        return 0

    cdef int _set_negative_sampling(self, syn1neg, NoiseTable noise) except -1:
        cdef float[:, ::1] rows = syn1neg
        self.config.syn1neg = &rows[0, 0]
        self.config.unigram_table = &noise.table
        self.keep_alive += [rows, noise]
        return 0


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
