// Test-only entry points into the CUDA kernel's algorithm, built for the host
// with it (tests/host_kernel.py): what training does not show from outside.
#include "w2v_kernels.cu"

// load_sentence for the batch's tokens [begin, end): the kept ids into `out`
// (room for W2V_MAX_SENTENCE_LENGTH), their number returned.
extern "C" __attribute__((visibility("default"))) int w2v_probe_load_sentence(
    const int* ids, long long begin, long long end, long long first_token,
    const unsigned int* keep_threshold, double sample, unsigned long long seed, int epoch,
    int* out) {
    Model m = {};
    m.keep_threshold = keep_threshold;
    m.sample = sample;
    m.seed = seed;
    m.epoch = epoch;
    return load_sentence(m, ids, begin, end, first_token, out, lanes_lane());
}
