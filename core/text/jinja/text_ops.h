// Python's str operations on UTF-8 text, as chat templates call them: strip with or without
// characters, split with and without a separator, replace with a count, code points, and \w /
// \s for one character. Case mapping is ASCII only (upper, lower, title, capitalize leave other
// letters as they are), which covers the role names and tags templates compare.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/text/jinja/value.h"

namespace tb::jinja {

// Text as Python's code points (UTF-8 decoded; invalid bytes count one each).
std::vector<std::string> code_points(const std::string& s);
bool is_word_cp(const std::string& cp);
bool is_space_cp(const std::string& cp);
// str.strip / lstrip / rstrip; `chars` null or none = whitespace.
std::string strip(const std::string& s, const Value* chars, bool left, bool right);
// str.split; `sep` null or none = runs of whitespace. maxsplit < 0 = no limit.
std::vector<std::string> split(const std::string& s, const Value* sep, std::int64_t maxsplit);
// str.replace; count < 0 = every occurrence.
std::string replace_all(const std::string& s, const std::string& from, const std::string& to, std::int64_t count);
std::string ascii_upper(std::string s);
std::string ascii_lower(std::string s);
std::string capitalize(const std::string& s);
std::string title(const std::string& s);

}  // namespace tb::jinja
