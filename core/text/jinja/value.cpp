// Template values (see value.h).
#include "core/text/jinja/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/common/error.h"

namespace tb::jinja {
namespace {

// Python's repr of a float: the shortest digits that read back the same, written fixed when the
// decimal exponent is in [-4, 16), else as 1e-05 / 1e+16; always with a point or an exponent.
std::string python_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  // 1. Shortest round-trip digits in scientific form: "-d.ddde±XX".
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  const auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::stoi(sci.substr(e + 1));
  std::string out;
  // 2. Python's choice of notation.
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exponent + 1) {
      out = digits + std::string(static_cast<std::size_t>(exponent + 1 - static_cast<int>(digits.size())), '0') + ".0";
    } else {
      out = digits.substr(0, static_cast<std::size_t>(exponent + 1)) + "." + digits.substr(static_cast<std::size_t>(exponent + 1));
    }
  } else {
    out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "");
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
  return (negative ? "-" : "") + out;
}

}  // namespace

const Value* Dict::find(const std::string& key) const {
  for (const auto& [k, v] : items) {
    if (k == key) return &v;
  }
  return nullptr;
}

void Dict::set(const std::string& key, Value value) {
  for (auto& [k, v] : items) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  items.emplace_back(key, std::move(value));
}

bool Value::truthy() const {
  if (is_undefined() || is_none()) return false;
  if (is_bool()) return std::get<bool>(v);
  if (is_int()) return integer() != 0;
  if (is_float()) return number() != 0.0;
  if (is_string()) return !str().empty();
  if (is_list()) return !list().empty();
  if (is_dict()) return !dict().items.empty();
  return true;  // macros
}

std::string python_string_repr(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + quote;
}

std::string Value::repr() const {
  if (is_string()) return python_string_repr(str());
  if (is_list()) {
    std::string out = is_tuple ? "(" : "[";
    for (std::size_t i = 0; i < list().size(); ++i) out += (i ? ", " : "") + list()[i].repr();
    if (is_tuple && list().size() == 1) out += ",";
    return out + (is_tuple ? ")" : "]");
  }
  if (is_dict()) {
    std::string out = is_namespace ? "<Namespace {" : "{";
    for (std::size_t i = 0; i < dict().items.size(); ++i) {
      out += (i ? ", " : "") + python_string_repr(dict().items[i].first) + ": " + dict().items[i].second.repr();
    }
    return out + (is_namespace ? "}>" : "}");
  }
  return to_output();
}

std::string Value::to_output() const {
  if (is_undefined()) return "";
  if (is_none()) return "None";
  if (is_bool()) return std::get<bool>(v) ? "True" : "False";
  if (is_int()) return std::to_string(integer());
  if (is_float()) return python_float(number());
  if (is_string()) return str();
  if (is_macro()) return "<macro>";
  return repr();
}

std::string Value::type_name() const {
  if (is_undefined()) return "undefined";
  if (is_none()) return "none";
  if (is_bool()) return "boolean";
  if (is_int()) return "integer";
  if (is_float()) return "float";
  if (is_string()) return "string";
  if (is_list()) return "list";
  if (is_dict()) return is_namespace ? "namespace" : "dict";
  return "macro";
}

bool equal(const Value& a, const Value& b) {
  if ((a.is_number() || a.is_bool()) && (b.is_number() || b.is_bool())) {
    auto num = [](const Value& x) { return x.is_bool() ? (std::get<bool>(x.v) ? 1.0 : 0.0) : x.number(); };
    if (a.is_int() && b.is_int()) return a.integer() == b.integer();
    return num(a) == num(b);
  }
  if (a.is_string() && b.is_string()) return a.str() == b.str();
  if (a.is_none() && b.is_none()) return true;
  if (a.is_undefined() && b.is_undefined()) return true;
  if (a.is_list() && b.is_list()) {
    if (a.list().size() != b.list().size()) return false;
    for (std::size_t i = 0; i < a.list().size(); ++i) {
      if (!equal(a.list()[i], b.list()[i])) return false;
    }
    return true;
  }
  if (a.is_dict() && b.is_dict()) {
    if (a.dict().items.size() != b.dict().items.size()) return false;
    for (const auto& [k, v] : a.dict().items) {
      const Value* other = b.dict().find(k);
      if (other == nullptr || !equal(v, *other)) return false;
    }
    return true;
  }
  if (a.is_macro() && b.is_macro()) return std::get<std::shared_ptr<Macro>>(a.v) == std::get<std::shared_ptr<Macro>>(b.v);
  return false;
}

Value from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return Value(None{});
    case nlohmann::ordered_json::value_t::boolean: return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: return Value(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float: return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string: return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      List l;
      for (const auto& e : j) l.push_back(from_json(e));
      return Value(std::move(l));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict d;
      for (const auto& [k, e] : j.items()) d.items.emplace_back(k, from_json(e));
      return Value::dict(std::move(d));
    }
    default: return Value(None{});
  }
}

nlohmann::ordered_json to_json_value(const Value& v) {
  if (v.is_none()) return nullptr;
  if (v.is_bool()) return std::get<bool>(v.v);
  if (v.is_int()) return v.integer();
  if (v.is_float()) return v.number();
  if (v.is_string()) return v.str();
  if (v.is_list()) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& e : v.list()) out.push_back(to_json_value(e));
    return out;
  }
  if (v.is_dict()) {
    auto out = nlohmann::ordered_json::object();
    for (const auto& [k, e] : v.dict().items) out[k] = to_json_value(e);
    return out;
  }
  throw Error("a " + v.type_name() + " has no JSON form");
}

}  // namespace tb::jinja
