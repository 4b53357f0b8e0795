// The filters (filters.cpp), tests, methods and operators (builtins.cpp) a chat template can
// call, for the renderer (render.cpp). Each takes already-evaluated values and throws tb::Error with a
// sentence when the call is wrong (unknown name, wrong type, bad argument).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/text/jinja/value.h"

namespace tb::jinja {

using Args = std::vector<Value>;
using Kwargs = std::vector<std::pair<std::string, Value>>;

// Filters callable with an attribute test or a mapping (select, map) need the renderer to run
// a test or filter by name; these two are the renderer's own, passed in.
struct Callbacks {
  bool (*test)(void* self, const std::string& name, const Value& v, const Args& args);
  Value (*filter)(void* self, const std::string& name, const Value& v, const Args& args, const Kwargs& kwargs);
  void* self;
};

Value apply_filter(const std::string& name, const Value& v, const Args& args, const Kwargs& kwargs, const Callbacks& cb);
bool apply_test(const std::string& name, const Value& v, const Args& args);
// A method of a string, dict or list (e.g. "text".strip(), d.items()); nullopt when the value
// has no such method.
std::optional<Value> call_method(const Value& self, const std::string& name, const Args& args, const Kwargs& kwargs);

// Python's json.dumps(x, ensure_ascii=False, indent=indent, sort_keys=...), as transformers'
// tojson filter calls it. indent < 0: no indent.
std::string python_json_dumps(const Value& v, int indent, bool sort_keys);

// What a loop or a filter iterates: a list's elements, a dict's keys, a string's characters,
// nothing for undefined; tb::Error ("`what` needs a list, not a ...") for anything else.
List iterable_items(const Value& v, const std::string& what);

// tb::Error with `what`: a wrong call (unknown name, wrong type, bad argument).
[[noreturn]] void call_error(const std::string& what);

// Call arguments: the i-th positional one, else the keyword `name`, else nullptr.
const Value* arg(const Args& args, const Kwargs& kwargs, std::size_t i, const char* name);
const Value* kwarg(const Kwargs& kwargs, const char* name);
// v's string, or tb::Error "`what` needs a string, not a ...".
const std::string& need_string(const Value& v, const std::string& what);
// len(v) (code points for a string; 0 for undefined).
std::int64_t length_of(const Value& v);
// Attribute "a.b" of v (dict keys; numbers index lists), or undefined.
Value get_attribute(const Value& v, const std::string& path);
// Python's ordering of two values: -1, 0, 1; tb::Error for types that do not order.
int compare_values(const Value& a, const Value& b);

// Python's binary operators and comparisons (+ - * / // % ** < > <= >= in), on values.
Value binary_op(const std::string& op, const Value& a, const Value& b);

}  // namespace tb::jinja
