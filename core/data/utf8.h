// UTF-8 validation for imported text: where the first invalid byte sits, so that an error can
// name the line and byte offset. Well-formed UTF-8 per RFC 3629 (no overlong forms, no
// surrogates, nothing above U+10FFFF). Not a decoder.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace tb::data {

// The offset of the first byte that is not part of well-formed UTF-8, or nullopt.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

}  // namespace tb::data
