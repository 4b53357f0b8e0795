// Which weights freeze-N fine-tuning trains (trainable.h applies it), apart so that settings
// can travel where libtorch is not included (the GUI).
#pragma once

#include <cstdint>

namespace tb {

struct FreezeSpec {
  std::int64_t top_blocks = 2;  // the last N decoder blocks train
  bool norms = false;           // every RMSNorm weight (the final one included)
  bool lm_head = false;
  bool embeddings = false;
};

}  // namespace tb
