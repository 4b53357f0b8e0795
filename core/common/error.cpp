// tb::Error formatting (see error.h).
#include "core/common/error.h"

namespace tb {

std::string format_error(const std::string& message, const ErrorLocation& where) {
  std::string out;
  if (!where.path.empty()) {
    out += where.path;
    if (where.line > 0) out += ":" + std::to_string(where.line);
    out += ": ";
  }
  if (!where.field.empty()) out += where.field + ": ";
  return out + message;
}

Error::Error(std::string message, ErrorLocation where)
    : std::runtime_error(format_error(message, where)),
      message_(std::move(message)),
      where_(std::move(where)) {}

}  // namespace tb
