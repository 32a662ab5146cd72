# What sigmoid_table.h gives the binding: word2vec.c's expTable.
cdef extern from "sigmoid_table.h":
    void w2v_sigmoid_table_fill(float *table) nogil
