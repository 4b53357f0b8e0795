// Filters for chat templates (see builtins.h), after Jinja2's filters.py, with transformers'
// tojson (json.dumps with ensure_ascii off).
#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/text/jinja/builtins.h"
#include "core/text/jinja/text_ops.h"

namespace tb::jinja {
namespace {

std::int64_t to_int(const Value& v, std::int64_t fallback) {
  if (v.is_int()) return v.integer();
  if (v.is_bool()) return std::get<bool>(v.v) ? 1 : 0;
  if (v.is_float()) {
    const double d = v.number();
    return std::isfinite(d) && std::fabs(d) < 9.2e18 ? static_cast<std::int64_t>(d) : fallback;
  }
  if (v.is_string()) {
    try {
      std::size_t used = 0;
      const std::string t = strip(v.str(), nullptr, true, true);
      const auto i = std::stoll(t, &used);
      if (used == t.size()) return i;
      const double d = std::stod(t);
      return std::isfinite(d) && std::fabs(d) < 9.2e18 ? static_cast<std::int64_t>(d) : fallback;
    } catch (const std::exception&) {
      return fallback;
    }
  }
  return fallback;
}

}  // namespace

Value apply_filter(const std::string& name, const Value& v, const Args& args, const Kwargs& kwargs, const Callbacks& cb) {
  if (name == "trim") {
    return Value(strip(need_string(v, "trim"), arg(args, kwargs, 0, "chars"), true, true));
  }
  if (name == "tojson") {
    const Value* indent = arg(args, kwargs, 0, "indent");
    const Value* sort = kwarg(kwargs, "sort_keys");
    return Value(python_json_dumps(v, indent && indent->is_int() ? static_cast<int>(indent->integer()) : -1,
                                   sort != nullptr && sort->truthy()));
  }
  if (name == "length" || name == "count") return Value(length_of(v));
  if (name == "default" || name == "d") {
    const Value* fallback = arg(args, kwargs, 0, "default_value");
    const Value* boolean = arg(args, kwargs, 1, "boolean");
    const bool use = v.is_undefined() || (boolean != nullptr && boolean->truthy() && !v.truthy());
    return use ? (fallback ? *fallback : Value("")) : v;
  }
  if (name == "items") {
    if (v.is_undefined()) return Value(List{});
    if (!v.is_dict()) call_error("items needs a dict, not a " + v.type_name());
    return *call_method(v, "items", {}, {});
  }
  if (name == "first" || name == "last") {
    const List l = iterable_items(v, name);
    if (l.empty()) return Value::undefined(name);
    return name == "first" ? l.front() : l.back();
  }
  if (name == "join") {
    const Value* sep = arg(args, kwargs, 0, "d");
    const Value* attribute = arg(args, kwargs, 1, "attribute");
    std::string out;
    const List l = iterable_items(v, "join");
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (i) out += sep ? sep->to_output() : "";
      out += attribute ? get_attribute(l[i], attribute->to_output()).to_output() : l[i].to_output();
    }
    return Value(out);
  }
  if (name == "upper") return Value(ascii_upper(v.to_output()));
  if (name == "lower") return Value(ascii_lower(v.to_output()));
  if (name == "capitalize") return Value(capitalize(v.to_output()));
  if (name == "title") return Value(title(v.to_output()));
  if (name == "replace") {
    if (args.size() < 2) call_error("replace needs two arguments");
    const Value* count = arg(args, kwargs, 2, "count");
    return Value(replace_all(v.to_output(), args[0].to_output(), args[1].to_output(),
                             count && count->is_int() ? count->integer() : -1));
  }
  if (name == "string") return Value(v.to_output());
  if (name == "safe" || name == "e" || name == "escape" || name == "forceescape") {
    return name == "safe" ? v : Value(v.to_output());  // no autoescape in chat templates
  }
  if (name == "int") {
    const Value* fallback = arg(args, kwargs, 0, "default");
    return Value(to_int(v, fallback && fallback->is_int() ? fallback->integer() : 0));
  }
  if (name == "float") {
    if (v.is_number()) return Value(v.number());
    try {
      return Value(std::stod(v.to_output()));
    } catch (const std::exception&) {
      return Value(0.0);
    }
  }
  if (name == "abs") {
    if (v.is_int() && v.integer() == INT64_MIN) call_error("the integer is too large (beyond 64 bits)");
    if (v.is_int()) return Value(v.integer() < 0 ? -v.integer() : v.integer());
    if (v.is_float()) return Value(std::fabs(v.number()));
    call_error("abs needs a number");
  }
  if (name == "round") {
    const Value* precision = arg(args, kwargs, 0, "precision");
    const double p = std::pow(10.0, precision && precision->is_int() ? static_cast<double>(precision->integer()) : 0.0);
    return Value(std::round(v.number() * p) / p);
  }
  if (name == "list") return Value(iterable_items(v, "list"));
  if (name == "unique") {
    List out;
    for (const auto& x : iterable_items(v, "unique")) {
      if (std::none_of(out.begin(), out.end(), [&](const Value& y) { return equal(x, y); })) out.push_back(x);
    }
    return Value(std::move(out));
  }
  if (name == "reverse") {
    if (v.is_string()) {
      auto cps = code_points(v.str());
      std::string out;
      for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
      return Value(out);
    }
    List l = iterable_items(v, "reverse");
    std::reverse(l.begin(), l.end());
    return Value(std::move(l));
  }
  if (name == "sort") {
    List l = iterable_items(v, "sort");
    const Value* reverse = arg(args, kwargs, 0, "reverse");
    const Value* attribute = kwarg(kwargs, "attribute");
    std::stable_sort(l.begin(), l.end(), [&](const Value& a, const Value& b) {
      const Value x = attribute ? get_attribute(a, attribute->to_output()) : a;
      const Value y = attribute ? get_attribute(b, attribute->to_output()) : b;
      return compare_values(x, y) < 0;
    });
    if (reverse && reverse->truthy()) std::reverse(l.begin(), l.end());
    return Value(std::move(l));
  }
  if (name == "min" || name == "max" || name == "sum") {
    const List l = iterable_items(v, name);
    if (name == "sum") {
      Value total(std::int64_t{0});
      for (const auto& x : l) total = binary_op("+", total, x);
      return total;
    }
    if (l.empty()) return Value::undefined(name);
    Value best = l[0];
    for (const auto& x : l) {
      const int c = compare_values(x, best);
      if ((name == "min" && c < 0) || (name == "max" && c > 0)) best = x;
    }
    return best;
  }
  if (name == "selectattr" || name == "rejectattr" || name == "select" || name == "reject") {
    const bool by_attr = name == "selectattr" || name == "rejectattr";
    const bool keep_if = name == "selectattr" || name == "select";
    if (by_attr && args.empty()) call_error(name + " needs an attribute name");
    const std::size_t test_at = by_attr ? 1 : 0;
    List out;
    for (const auto& x : iterable_items(v, name)) {
      const Value subject = by_attr ? get_attribute(x, args[0].to_output()) : x;
      bool pass;
      if (args.size() > test_at) {
        const Args test_args(args.begin() + static_cast<std::ptrdiff_t>(test_at + 1), args.end());
        pass = cb.test(cb.self, args[test_at].to_output(), subject, test_args);
      } else {
        pass = subject.truthy();
      }
      if (pass == keep_if) out.push_back(x);
    }
    return Value(std::move(out));
  }
  if (name == "map") {
    List out;
    const Value* attribute = kwarg(kwargs, "attribute");
    const Value* fallback = kwarg(kwargs, "default");
    for (const auto& x : iterable_items(v, "map")) {
      if (attribute != nullptr) {
        Value a = get_attribute(x, attribute->to_output());
        out.push_back(a.is_undefined() && fallback ? *fallback : a);
      } else {
        if (args.empty()) call_error("map needs a filter name or attribute=");
        const Args rest(args.begin() + 1, args.end());
        out.push_back(cb.filter(cb.self, args[0].to_output(), x, rest, {}));
      }
    }
    return Value(std::move(out));
  }
  if (name == "indent") {
    const Value* width = arg(args, kwargs, 0, "width");
    const Value* first = arg(args, kwargs, 1, "first");
    const std::string pad(width && width->is_int() ? static_cast<std::size_t>(width->integer()) : 4, ' ');
    const std::string s = v.to_output();
    std::string out;
    bool line_start = first && first->truthy();
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (line_start && s[i] != '\n') out += pad;
      line_start = false;
      out += s[i];
      if (s[i] == '\n') line_start = true;
    }
    return Value(out);
  }
  if (name == "wordcount") {  // runs of word characters (Python's \w, for the scripts in is_word_cp)
    std::int64_t n = 0;
    bool in_word = false;
    for (const auto& cp : code_points(v.to_output())) {
      const bool w = is_word_cp(cp);
      n += w && !in_word ? 1 : 0;
      in_word = w;
    }
    return Value(n);
  }
  if (name == "dictsort") {
    if (!v.is_dict()) call_error("dictsort needs a dict");
    auto items = v.dict().items;
    std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    List out;
    for (auto& [k, x] : items) {
      Value pair(List{Value(k), x});
      pair.is_tuple = true;
      out.push_back(std::move(pair));
    }
    return Value(std::move(out));
  }
  call_error("unknown filter '" + name + "'");
}

}  // namespace tb::jinja
