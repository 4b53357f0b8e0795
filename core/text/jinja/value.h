// The values a chat template computes with, as Python's Jinja2 sees them: undefined, none,
// booleans, integers, floats, strings, lists, dicts (insertion-ordered, string keys), namespaces
// (the one mutable object templates get) and macros. Printing, truthiness, equality and JSON
// follow Python: str(True) is "True", str(1.0) is "1.0", a list prints as ['a', 1].
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace tb::jinja {

struct Value;
using List = std::vector<Value>;
struct Dict;
struct Macro;  // defined by the renderer

struct Undefined {
  std::string name;  // what was looked up, for messages
};
struct None {};

struct Value {
  std::variant<Undefined, None, bool, std::int64_t, double, std::string, std::shared_ptr<List>,
               std::shared_ptr<Dict>, std::shared_ptr<Macro>>
      v;
  bool is_namespace = false;  // a Dict made by namespace(): attributes may be assigned
  bool is_tuple = false;      // a List from (a, b) or dict.items(): prints as (a, b)

  Value() = default;
  Value(None) : v(None{}) {}
  Value(bool b) : v(b) {}
  Value(std::int64_t i) : v(i) {}
  Value(int i) : v(static_cast<std::int64_t>(i)) {}
  Value(double d) : v(d) {}
  Value(std::string s) : v(std::move(s)) {}
  Value(const char* s) : v(std::string(s)) {}
  Value(List l) : v(std::make_shared<List>(std::move(l))) {}
  static Value undefined(std::string name) {
    Value x;
    x.v = Undefined{std::move(name)};
    return x;
  }
  static Value dict(Dict d);

  bool is_undefined() const { return std::holds_alternative<Undefined>(v); }
  bool is_none() const { return std::holds_alternative<None>(v); }
  bool is_bool() const { return std::holds_alternative<bool>(v); }
  bool is_int() const { return std::holds_alternative<std::int64_t>(v); }
  bool is_float() const { return std::holds_alternative<double>(v); }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_list() const { return std::holds_alternative<std::shared_ptr<List>>(v); }
  bool is_dict() const { return std::holds_alternative<std::shared_ptr<Dict>>(v); }
  bool is_macro() const { return std::holds_alternative<std::shared_ptr<Macro>>(v); }

  const std::string& str() const { return std::get<std::string>(v); }
  const List& list() const { return *std::get<std::shared_ptr<List>>(v); }
  Dict& dict() const { return *std::get<std::shared_ptr<Dict>>(v); }
  double number() const { return is_int() ? static_cast<double>(std::get<std::int64_t>(v)) : std::get<double>(v); }
  std::int64_t integer() const { return std::get<std::int64_t>(v); }

  bool truthy() const;
  // str(x) as Python prints it ("" for undefined).
  std::string to_output() const;
  // repr(x), as inside a printed list or dict.
  std::string repr() const;
  // A short type name for messages ("string", "list", ...).
  std::string type_name() const;
};

struct Dict {
  std::vector<std::pair<std::string, Value>> items;
  const Value* find(const std::string& key) const;
  void set(const std::string& key, Value value);
};

inline Value Value::dict(Dict d) {
  Value x;
  x.v = std::make_shared<Dict>(std::move(d));
  return x;
}

// Python's ==: numbers by value (True == 1), lists and dicts element-wise.
bool equal(const Value& a, const Value& b);

// From JSON (objects keep their key order) and back (the tojson filter); macros and undefined
// values have no JSON form (tb::Error).
Value from_json(const nlohmann::ordered_json& j);
nlohmann::ordered_json to_json_value(const Value& v);

// Python's repr of a string: single quotes unless the text has one and no double quote.
std::string python_string_repr(const std::string& s);

}  // namespace tb::jinja
