// The one check of settings and saved state: throws tb::Error naming the field unless ok.
// (Shared by the training settings and the detectors' saved state, so each is written once.)
#pragma once

#include <string>

#include "core/common/error.h"

namespace tb {

inline void require_field(bool ok, const char* field, const std::string& message) {
  if (!ok) throw Error(message, {{}, 0, field});
}

}  // namespace tb
