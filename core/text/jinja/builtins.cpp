// Methods, tests, operators and JSON for chat templates (see builtins.h), after Jinja2's
// tests.py and Python's str, dict and list, as transformers' sandbox exposes them.
#include "core/text/jinja/builtins.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/common/error.h"
#include "core/text/jinja/text_ops.h"

namespace tb::jinja {
namespace {

[[noreturn]] void fail(const std::string& what) { call_error(what); }

// Integer arithmetic that Python would carry into big integers: an error here, not overflow.
enum class IntOp { Add, Sub, Mul };
std::int64_t checked(IntOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  const bool overflowed = op == IntOp::Add   ? __builtin_add_overflow(a, b, &r)
                          : op == IntOp::Sub ? __builtin_sub_overflow(a, b, &r)
                                             : __builtin_mul_overflow(a, b, &r);
  if (overflowed) fail("the integer is too large (beyond 64 bits)");
  return r;
}

}  // namespace

const Value* kwarg(const Kwargs& kwargs, const char* name) {
  for (const auto& [k, v] : kwargs) {
    if (k == name) return &v;
  }
  return nullptr;
}

// Argument i, else keyword `name`, else nullptr.
const Value* arg(const Args& args, const Kwargs& kwargs, std::size_t i, const char* name) {
  if (i < args.size()) return &args[i];
  return kwarg(kwargs, name);
}

const std::string& need_string(const Value& v, const std::string& what) {
  if (!v.is_string()) fail(what + " needs a string, not a " + v.type_name());
  return v.str();
}

std::int64_t length_of(const Value& v) {
  if (v.is_string()) return static_cast<std::int64_t>(code_points(v.str()).size());
  if (v.is_list()) return static_cast<std::int64_t>(v.list().size());
  if (v.is_dict()) return static_cast<std::int64_t>(v.dict().items.size());
  if (v.is_undefined()) return 0;
  fail("a " + v.type_name() + " has no length");
}

// attribute "a.b" of v (dict keys; numbers index lists), or undefined.
Value get_attribute(const Value& v, const std::string& path) {
  Value cur = v;
  std::size_t at = 0;
  while (at <= path.size()) {
    const auto dot = path.find('.', at);
    const std::string part = path.substr(at, dot == std::string::npos ? std::string::npos : dot - at);
    if (cur.is_dict()) {
      const Value* x = cur.dict().find(part);
      cur = x ? *x : Value::undefined(part);
    } else if (cur.is_list() && !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
      const auto i = std::strtoull(part.c_str(), nullptr, 10);  // saturates; out of range either way
      cur = i < cur.list().size() ? cur.list()[i] : Value::undefined(part);
    } else {
      return Value::undefined(part);
    }
    if (dot == std::string::npos) break;
    at = dot + 1;
  }
  return cur;
}

int compare_values(const Value& a, const Value& b) {
  if ((a.is_number() || a.is_bool()) && (b.is_number() || b.is_bool())) {
    auto n = [](const Value& x) { return x.is_bool() ? (std::get<bool>(x.v) ? 1.0 : 0.0) : x.number(); };
    return n(a) < n(b) ? -1 : n(a) > n(b) ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) return a.str() < b.str() ? -1 : a.str() > b.str() ? 1 : 0;
  if (a.is_list() && b.is_list()) {
    for (std::size_t i = 0; i < std::min(a.list().size(), b.list().size()); ++i) {
      if (const int c = compare_values(a.list()[i], b.list()[i]); c != 0) return c;
    }
    return a.list().size() < b.list().size() ? -1 : a.list().size() > b.list().size() ? 1 : 0;
  }
  fail("cannot order a " + a.type_name() + " and a " + b.type_name());
}

namespace {

void json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void json_dump(std::string& out, const Value& v, int indent, bool sort_keys, int level) {
  const std::string item_sep = indent >= 0 ? "," : ", ";
  auto newline = [&](int lvl) {
    if (indent >= 0) out += "\n" + std::string(static_cast<std::size_t>(indent * lvl), ' ');
  };
  if (v.is_string()) {
    json_string(out, v.str());
  } else if (v.is_none()) {
    out += "null";
  } else if (v.is_bool()) {
    out += std::get<bool>(v.v) ? "true" : "false";
  } else if (v.is_int()) {
    out += std::to_string(v.integer());
  } else if (v.is_float()) {
    const double d = v.number();
    out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d < 0 ? "-Infinity" : "Infinity") : v.to_output();
  } else if (v.is_list()) {
    if (v.list().empty()) {
      out += "[]";
      return;
    }
    out += "[";
    for (std::size_t i = 0; i < v.list().size(); ++i) {
      if (i) out += item_sep;
      newline(level + 1);
      json_dump(out, v.list()[i], indent, sort_keys, level + 1);
    }
    newline(level);
    out += "]";
  } else if (v.is_dict()) {
    auto items = v.dict().items;
    if (items.empty()) {
      out += "{}";
      return;
    }
    if (sort_keys) std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out += "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += item_sep;
      newline(level + 1);
      json_string(out, items[i].first);
      out += ": ";
      json_dump(out, items[i].second, indent, sort_keys, level + 1);
    }
    newline(level);
    out += "}";
  } else {
    fail("tojson: a " + v.type_name() + " has no JSON form");
  }
}

}  // namespace

void call_error(const std::string& what) { throw Error(what); }

List iterable_items(const Value& v, const std::string& what) {
  if (v.is_list()) return v.list();
  if (v.is_undefined()) return {};
  if (v.is_dict()) {
    List keys;
    for (const auto& [k, x] : v.dict().items) keys.emplace_back(k);
    return keys;
  }
  if (v.is_string()) {
    List chars;
    for (auto& cp : code_points(v.str())) chars.emplace_back(cp);
    return chars;
  }
  fail(what + " needs a list, not a " + v.type_name());
}


std::string python_json_dumps(const Value& v, int indent, bool sort_keys) {
  std::string out;
  json_dump(out, v, indent, sort_keys, 0);
  return out;
}

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  const bool numbers = (a.is_number() || a.is_bool()) && (b.is_number() || b.is_bool());
  auto as_num = [](const Value& x) { return x.is_bool() ? (std::get<bool>(x.v) ? 1.0 : 0.0) : x.number(); };
  auto both_int = [&] { return (a.is_int() || a.is_bool()) && (b.is_int() || b.is_bool()); };
  auto as_int = [](const Value& x) { return x.is_bool() ? std::int64_t{std::get<bool>(x.v) ? 1 : 0} : x.integer(); };
  if (op == "==") return Value(equal(a, b));
  if (op == "!=") return Value(!equal(a, b));
  if (op == "<") return Value(compare_values(a, b) < 0);
  if (op == ">") return Value(compare_values(a, b) > 0);
  if (op == "<=") return Value(compare_values(a, b) <= 0);
  if (op == ">=") return Value(compare_values(a, b) >= 0);
  if (op == "in" || op == "notin") {
    bool found = false;
    if (b.is_string()) {
      found = b.str().find(need_string(a, "'in' on a string")) != std::string::npos;
    } else if (b.is_list()) {
      found = std::any_of(b.list().begin(), b.list().end(), [&](const Value& x) { return equal(a, x); });
    } else if (b.is_dict()) {
      found = a.is_string() && b.dict().find(a.str()) != nullptr;
    } else if (!b.is_undefined()) {
      fail("'in' needs a string, list or dict on its right, not a " + b.type_name());
    }
    return Value(op == "in" ? found : !found);
  }
  if (op == "+") {
    if (numbers && both_int()) return Value(checked(IntOp::Add, as_int(a), as_int(b)));
    if (numbers) return Value(as_num(a) + as_num(b));
    if (a.is_string() && b.is_string()) return Value(a.str() + b.str());
    if (a.is_list() && b.is_list()) {
      List l = a.list();
      l.insert(l.end(), b.list().begin(), b.list().end());
      return Value(std::move(l));
    }
    fail("cannot add a " + b.type_name() + " to a " + a.type_name());
  }
  if (op == "*") {
    if (numbers && both_int()) return Value(checked(IntOp::Mul, as_int(a), as_int(b)));
    if (numbers) return Value(as_num(a) * as_num(b));
    const Value& seq = a.is_int() ? b : a;
    const Value& count = a.is_int() ? a : b;
    if (count.is_int() && (seq.is_string() || seq.is_list())) {
      const std::int64_t n = std::min<std::int64_t>(count.integer(), 1 << 20);
      if (seq.is_string()) {
        std::string out;
        for (std::int64_t i = 0; i < n; ++i) out += seq.str();
        return Value(out);
      }
      List out;
      for (std::int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.list().begin(), seq.list().end());
      return Value(std::move(out));
    }
    fail("cannot multiply a " + a.type_name() + " by a " + b.type_name());
  }
  if (!numbers) fail("'" + op + "' needs numbers, not a " + a.type_name() + " and a " + b.type_name());
  if (op == "-" && both_int()) return Value(checked(IntOp::Sub, as_int(a), as_int(b)));
  if (op == "-") return Value(as_num(a) - as_num(b));
  if (op == "/") {
    if (as_num(b) == 0) fail("division by zero");
    return Value(as_num(a) / as_num(b));
  }
  if (op == "//" || op == "%") {
    if (as_num(b) == 0) fail("division by zero");
    if (both_int()) {
      const std::int64_t x = as_int(a), y = as_int(b);
      if (x == INT64_MIN && y == -1) fail("the integer is too large (beyond 64 bits)");
      std::int64_t q = x / y;
      if ((x % y != 0) && ((x < 0) != (y < 0))) --q;  // floor
      return op == "//" ? Value(q) : Value(x - q * y);
    }
    const double q = std::floor(as_num(a) / as_num(b));
    return op == "//" ? Value(q) : Value(as_num(a) - q * as_num(b));
  }
  if (op == "**") {
    if (both_int() && as_int(b) >= 0) {
      std::int64_t r = 1;
      for (std::int64_t i = 0; i < std::min<std::int64_t>(as_int(b), 64); ++i) {
        r = checked(IntOp::Mul, r, as_int(a));
      }
      return Value(r);
    }
    return Value(std::pow(as_num(a), as_num(b)));
  }
  fail("unknown operator " + op);
}

bool apply_test(const std::string& name, const Value& v, const Args& args) {
  auto need_arg = [&]() -> const Value& {
    if (args.empty()) fail("the test '" + name + "' needs an argument");
    return args[0];
  };
  if (name == "defined") return !v.is_undefined();
  if (name == "undefined") return v.is_undefined();
  if (name == "none") return v.is_none();
  if (name == "string") return v.is_string();
  if (name == "number") return v.is_number();
  if (name == "integer") return v.is_int();
  if (name == "float") return v.is_float();
  if (name == "boolean") return v.is_bool();
  if (name == "true") return v.is_bool() && std::get<bool>(v.v);
  if (name == "false") return v.is_bool() && !std::get<bool>(v.v);
  if (name == "mapping") return v.is_dict();
  if (name == "sequence") return v.is_list() || v.is_string() || v.is_dict();
  if (name == "iterable") return v.is_list() || v.is_string() || v.is_dict() || v.is_undefined();
  if (name == "callable") return v.is_macro();
  if (name == "equalto" || name == "eq" || name == "==" || name == "sameas") return equal(v, need_arg());
  if (name == "ne" || name == "!=") return !equal(v, need_arg());
  if (name == "lt" || name == "lessthan") return binary_op("<", v, need_arg()).truthy();
  if (name == "gt" || name == "greaterthan") return binary_op(">", v, need_arg()).truthy();
  if (name == "le") return binary_op("<=", v, need_arg()).truthy();
  if (name == "ge") return binary_op(">=", v, need_arg()).truthy();
  if (name == "in") return binary_op("in", v, need_arg()).truthy();
  if (name == "odd") return v.is_int() && v.integer() % 2 != 0;
  if (name == "even") return v.is_int() && v.integer() % 2 == 0;
  if (name == "divisibleby") return v.is_int() && need_arg().is_int() && need_arg().integer() != 0 && v.integer() % need_arg().integer() == 0;
  if (name == "lower") return v.is_string() && ascii_lower(v.str()) == v.str();
  if (name == "upper") return v.is_string() && ascii_upper(v.str()) == v.str();
  fail("unknown test '" + name + "'");
}

std::optional<Value> call_method(const Value& self, const std::string& name, const Args& args, const Kwargs& kwargs) {
  if (self.is_string()) {
    const std::string& s = self.str();
    if (name == "strip") return Value(strip(s, arg(args, kwargs, 0, "chars"), true, true));
    if (name == "lstrip") return Value(strip(s, arg(args, kwargs, 0, "chars"), true, false));
    if (name == "rstrip") return Value(strip(s, arg(args, kwargs, 0, "chars"), false, true));
    if (name == "split" || name == "rsplit") {
      const Value* max = arg(args, kwargs, 1, "maxsplit");
      List out;
      if (name == "rsplit" && max != nullptr && max->is_int() && max->integer() >= 0) {
        // From the right: split all, then join the leading parts back.
        auto parts = split(s, arg(args, kwargs, 0, "sep"), -1);
        const auto keep = static_cast<std::size_t>(max->integer());
        if (parts.size() > keep + 1) {
          const std::string& sep = arg(args, kwargs, 0, "sep") && arg(args, kwargs, 0, "sep")->is_string()
                                       ? arg(args, kwargs, 0, "sep")->str() : std::string(" ");
          std::string head = parts[0];
          const std::size_t joined = parts.size() - keep;
          for (std::size_t i = 1; i < joined; ++i) head += sep + parts[i];
          out.emplace_back(head);
          for (std::size_t i = joined; i < parts.size(); ++i) out.emplace_back(parts[i]);
          return Value(std::move(out));
        }
        for (auto& p : parts) out.emplace_back(p);
        return Value(std::move(out));
      }
      for (auto& p : split(s, arg(args, kwargs, 0, "sep"), max && max->is_int() ? max->integer() : -1)) out.emplace_back(p);
      return Value(std::move(out));
    }
    if (name == "startswith" || name == "endswith") {
      const Value* p = arg(args, kwargs, 0, "prefix");
      if (p == nullptr) fail(name + " needs an argument");
      List options = p->is_list() ? p->list() : List{*p};
      for (const auto& o : options) {
        const std::string& x = need_string(o, name);
        const bool hit = name == "startswith" ? s.compare(0, x.size(), x) == 0
                                              : s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
        if (hit) return Value(true);
      }
      return Value(false);
    }
    if (name == "replace") {
      if (args.size() < 2) fail("replace needs two arguments");
      const Value* count = arg(args, kwargs, 2, "count");
      return Value(replace_all(s, need_string(args[0], "replace"), need_string(args[1], "replace"),
                               count && count->is_int() ? count->integer() : -1));
    }
    if (name == "upper") return Value(ascii_upper(s));
    if (name == "lower") return Value(ascii_lower(s));
    if (name == "title") return Value(title(s));
    if (name == "capitalize") return Value(capitalize(s));
    if (name == "find" || name == "count") {
      if (args.empty()) fail(name + " needs an argument");
      const std::string& x = need_string(args[0], name);
      if (name == "find") {
        const auto f = s.find(x);
        return Value(f == std::string::npos ? std::int64_t{-1} : static_cast<std::int64_t>(code_points(s.substr(0, f)).size()));
      }
      std::int64_t n = 0;
      for (std::size_t at = s.find(x); !x.empty() && at != std::string::npos; at = s.find(x, at + x.size())) ++n;
      return Value(n);
    }
    if (name == "join") {
      if (args.empty()) fail("join needs an argument");
      std::string out;
      const List items = iterable_items(args[0], "join");
      for (std::size_t i = 0; i < items.size(); ++i) out += (i ? s : "") + need_string(items[i], "join");
      return Value(out);
    }
    if (name == "splitlines") {
      List out;
      std::string cur;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' || s[i] == '\r') {
          out.emplace_back(cur);
          cur.clear();
          if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else {
          cur += s[i];
        }
      }
      if (!cur.empty()) out.emplace_back(cur);
      return Value(std::move(out));
    }
    if (name == "isdigit" || name == "isspace" || name == "isalpha") {
      if (s.empty()) return Value(false);
      for (unsigned char c : s) {
        const bool ok = name == "isdigit" ? std::isdigit(c) != 0 : name == "isspace" ? std::isspace(c) != 0 : std::isalpha(c) != 0;
        if (!ok) return Value(false);
      }
      return Value(true);
    }
    if (name == "removeprefix" || name == "removesuffix") {
      if (args.empty()) fail(name + " needs an argument");
      const std::string& x = need_string(args[0], name);
      if (name == "removeprefix" && s.compare(0, x.size(), x) == 0) return Value(s.substr(x.size()));
      if (name == "removesuffix" && !x.empty() && s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) {
        return Value(s.substr(0, s.size() - x.size()));
      }
      return Value(s);
    }
    return std::nullopt;
  }
  if (self.is_dict()) {
    const Dict& d = self.dict();
    if (name == "items") {
      List out;
      for (const auto& [k, v] : d.items) {
        Value pair(List{Value(k), v});
        pair.is_tuple = true;
        out.push_back(std::move(pair));
      }
      return Value(std::move(out));
    }
    if (name == "keys" || name == "values") {
      List out;
      for (const auto& [k, v] : d.items) out.push_back(name == "keys" ? Value(k) : v);
      return Value(std::move(out));
    }
    if (name == "get") {
      if (args.empty()) fail("get needs a key");
      const Value* v = args[0].is_string() ? d.find(args[0].str()) : nullptr;
      if (v != nullptr) return *v;
      return args.size() > 1 ? args[1] : Value(None{});
    }
    return std::nullopt;
  }
  if (self.is_list()) {
    if (name == "append" || name == "extend" || name == "pop" || name == "insert" || name == "remove") {
      fail("lists cannot be changed in a chat template (" + name + " is refused, as in transformers' sandbox)");
    }
    if (name == "index" || name == "count") {
      if (args.empty()) fail(name + " needs an argument");
      std::int64_t n = 0;
      for (std::size_t i = 0; i < self.list().size(); ++i) {
        if (!equal(self.list()[i], args[0])) continue;
        if (name == "index") return Value(static_cast<std::int64_t>(i));
        ++n;
      }
      if (name == "index") fail("index: the value is not in the list");
      return Value(n);
    }
  }
  return std::nullopt;
}
}  // namespace tb::jinja
