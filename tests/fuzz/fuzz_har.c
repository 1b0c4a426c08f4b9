/* The HAR reader (evidence_read) on arbitrary bytes, each record fed
 * through the decoders; see fuzz_evidence.h for what is checked. */
#include "fuzz_evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_evidence_run(EVIDENCE_HAR, data, size);
    return 0;
}
