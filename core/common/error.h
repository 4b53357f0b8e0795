// tb::Error: the one exception type core throws for anything a user can fix (a bad file, a
// missing model, a wrong setting). It carries where (file, line, field) and a human sentence.
// Anything else that escapes core is a bug and is reported as an internal error.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace tb {

// Where a problem sits; every part is optional (empty / 0 = unknown).
struct ErrorLocation {
  ErrorLocation() = default;
  ErrorLocation(std::string path_, std::int64_t line_ = 0, std::string field_ = {})
      : path(std::move(path_)), line(line_), field(std::move(field_)) {}

  std::string path;
  std::int64_t line = 0;  // 1-based line or row; 0 = not line-based
  std::string field;      // a column, JSON key or tensor name
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message, ErrorLocation where = {});

  const std::string& message() const { return message_; }
  const ErrorLocation& where() const { return where_; }

 private:
  std::string message_;
  ErrorLocation where_;
};

// A file could not be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// A file's content is malformed or not what we support (bad header, offsets out of range, an
// unknown dtype, ...). The message names what is wrong; where() names the file and field.
class FormatError : public Error {
 public:
  using Error::Error;
};

// Formats "path:line: field: message" from whatever parts are known.
std::string format_error(const std::string& message, const ErrorLocation& where);

}  // namespace tb
