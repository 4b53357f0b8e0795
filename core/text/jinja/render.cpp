// Template::render (see jinja.h): walks the parsed template with Jinja2's scoping (a for loop's
// body and a macro call have their own scope; `set` inside them does not leak out, which is
// what namespace() is for), Python's truthiness and printing, and the limits on steps, depth
// and output.
#include <ctime>

#include <nlohmann/json.hpp>

#include "core/text/jinja/ast.h"
#include "core/text/jinja/builtins.h"
#include "core/text/jinja/jinja.h"
#include "core/text/jinja/text_ops.h"

namespace tb::jinja {

struct Macro {
  const Stmt* def = nullptr;  // owned by the template, which outlives the render
  std::string builtin;        // or a global function: raise_exception, strftime_now, ...
};

namespace {

struct BreakLoop {};
struct ContinueLoop {};

class Renderer {
 public:
  Renderer(const Template& t, const RenderLimits& limits) : t_(t), limits_(limits) {}

  Rendered run(const std::vector<StmtPtr>& body, const nlohmann::ordered_json& context) {
    scopes_.emplace_back();
    if (context.is_object()) {
      for (const auto& [k, v] : context.items()) scopes_.back().set(k, from_json(v));
    }
    scopes_.emplace_back();  // the template's own top-level `set`s
    exec_body(body);
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(int line, const std::string& what) const {
    throw Error(what + " (template line " + std::to_string(line) + ")", {t_.origin(), 0, "chat_template"});
  }

  void step(int line) {
    if (++steps_ > limits_.max_steps) {
      fail(line, "the template ran past " + std::to_string(limits_.max_steps) + " steps; it may loop forever");
    }
  }

  void emit(const std::string& s, int line) {
    out_.text += s;
    if (out_.text.size() > limits_.max_output_bytes) {
      fail(line, "the template wrote more than " + std::to_string(limits_.max_output_bytes) + " bytes");
    }
  }

  // Scopes: the innermost first; macros see the globals and their own scope only.
  const Value* lookup(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (const Value* v = it->find(name)) return v;
    }
    return nullptr;
  }

  void exec_body(const std::vector<StmtPtr>& body) {
    for (const auto& s : body) exec(*s);
  }

  void exec(const Stmt& s) {
    step(s.line);
    switch (s.kind) {
      case Stmt::Kind::Text: emit(s.text, s.line); break;
      case Stmt::Kind::Output: emit(eval(*s.expr).to_output(), s.line); break;
      case Stmt::Kind::If:
        for (const auto& [cond, body] : s.branches) {
          if (eval(*cond).truthy()) {
            exec_body(body);
            return;
          }
        }
        exec_body(s.else_body);
        break;
      case Stmt::Kind::For: exec_for(s); break;
      case Stmt::Kind::Set: exec_set(s); break;
      case Stmt::Kind::Macro: {
        Value m;
        m.v = std::make_shared<Macro>(Macro{&s, {}});
        scopes_.back().set(s.name, m);
        break;
      }
      case Stmt::Kind::Generation: {
        const std::size_t begin = out_.text.size();
        exec_body(s.body);
        out_.generation_spans.emplace_back(begin, out_.text.size());
        break;
      }
      case Stmt::Kind::Break: throw BreakLoop{};
      case Stmt::Kind::Continue: throw ContinueLoop{};
    }
  }

  static List iterate(const Value& v, int line, const Renderer& r) {
    try {
      return iterable_items(v, "a loop");
    } catch (const Error& e) {
      r.fail(line, e.what());
    }
  }


  void bind(Dict& scope, const std::vector<std::string>& targets, const Value& v, int line) {
    if (targets.size() == 1) {
      scope.set(targets[0], v);
      return;
    }
    if (!v.is_list() || v.list().size() != targets.size()) {
      fail(line, "cannot unpack a " + v.type_name() + " into " + std::to_string(targets.size()) + " names");
    }
    for (std::size_t i = 0; i < targets.size(); ++i) scope.set(targets[i], v.list()[i]);
  }

  void exec_for(const Stmt& s) {
    List items = iterate(eval(*s.expr), s.line, *this);
    if (s.filter) {  // the loop's own "if": filtered before loop.length is known
      List kept;
      for (const auto& item : items) {
        scopes_.emplace_back();
        bind(scopes_.back(), s.targets, item, s.line);
        const bool keep = eval(*s.filter).truthy();
        scopes_.pop_back();
        if (keep) kept.push_back(item);
      }
      items = std::move(kept);
    }
    if (items.empty()) {
      exec_body(s.else_body);
      return;
    }
    const auto n = static_cast<std::int64_t>(items.size());
    for (std::int64_t i = 0; i < n; ++i) {
      scopes_.emplace_back();
      Dict& scope = scopes_.back();
      bind(scope, s.targets, items[static_cast<std::size_t>(i)], s.line);
      Dict loop;
      loop.set("index", Value(i + 1));
      loop.set("index0", Value(i));
      loop.set("revindex", Value(n - i));
      loop.set("revindex0", Value(n - i - 1));
      loop.set("first", Value(i == 0));
      loop.set("last", Value(i == n - 1));
      loop.set("length", Value(n));
      loop.set("depth", Value(1));
      loop.set("depth0", Value(0));
      loop.set("previtem", i > 0 ? items[static_cast<std::size_t>(i - 1)] : Value::undefined("previtem"));
      loop.set("nextitem", i + 1 < n ? items[static_cast<std::size_t>(i + 1)] : Value::undefined("nextitem"));
      scope.set("loop", Value::dict(std::move(loop)));
      bool stop = false;
      try {
        exec_body(s.body);
      } catch (const BreakLoop&) {
        stop = true;
      } catch (const ContinueLoop&) {
      }
      scopes_.pop_back();
      if (stop) break;
    }
  }

  void exec_set(const Stmt& s) {
    Value v;
    if (s.expr) {
      v = eval(*s.expr);
    } else {  // {% set x %}...{% endset %}
      Rendered saved = std::move(out_);
      out_ = {};
      exec_body(s.body);
      v = Value(out_.text);
      out_ = std::move(saved);
    }
    if (!s.attr.empty()) {
      const Value* ns = lookup(s.targets[0]);
      if (ns == nullptr || !ns->is_dict() || !ns->is_namespace) {
        fail(s.line, "'" + s.targets[0] + "' is not a namespace(); only a namespace's attributes can be set");
      }
      ns->dict().set(s.attr, v);
      return;
    }
    bind(scopes_.back(), s.targets, v, s.line);
  }

  // Expressions.
  Value eval(const Expr& e) {
    step(e.line);
    switch (e.kind) {
      case Expr::Kind::Literal: return e.value;
      case Expr::Kind::Name: {
        if (const Value* v = lookup(e.name)) return *v;
        if (is_global_function(e.name)) {  // defined, as in Jinja2 ("strftime_now is defined")
          Value f;
          f.v = std::make_shared<Macro>(Macro{nullptr, e.name});
          return f;
        }
        return Value::undefined(e.name);
      }
      case Expr::Kind::ListLit: {
        List l;
        for (const auto& x : e.items) l.push_back(eval(*x));
        Value out(std::move(l));
        out.is_tuple = e.negated;
        return out;
      }
      case Expr::Kind::DictLit: {
        Dict d;
        for (std::size_t i = 0; i + 1 < e.items.size(); i += 2) {
          const Value k = eval(*e.items[i]);
          if (!k.is_string()) fail(e.line, "dict keys must be strings here");
          d.set(k.str(), eval(*e.items[i + 1]));
        }
        return Value::dict(std::move(d));
      }
      case Expr::Kind::Attr: return attribute(eval(*e.items[0]), e.name, e.line);
      case Expr::Kind::Index: return index(eval(*e.items[0]), eval(*e.items[1]), e.line);
      case Expr::Kind::Slice: return slice(e);
      case Expr::Kind::Call: return call(e);
      case Expr::Kind::Filter: {
        const Value v = eval(*e.items[0]);
        const auto [args, kwargs] = arguments(e);
        return filter(e.name, v, args, kwargs, e.line);
      }
      case Expr::Kind::Test: {
        const Value v = eval(*e.items[0]);
        const auto [args, kwargs] = arguments(e);
        bool result;
        try {
          result = apply_test(e.name, v, args);
        } catch (const RaisedError&) {
          throw;
        } catch (const Error& err) {
          fail(e.line, err.what());
        }
        return Value(e.negated ? !result : result);
      }
      case Expr::Kind::Unary: {
        const Value v = eval(*e.items[0]);
        if (e.name == "not") return Value(!v.truthy());
        if (!v.is_number()) fail(e.line, "unary " + e.name + " needs a number, not a " + v.type_name());
        if (e.name == "+") return v;
        if (v.is_int() && v.integer() == INT64_MIN) fail(e.line, "the integer is too large (beyond 64 bits)");
        return v.is_int() ? Value(-v.integer()) : Value(-v.number());
      }
      case Expr::Kind::Binary: return binary(e);
      case Expr::Kind::Conditional:
        if (eval(*e.items[1]).truthy()) return eval(*e.items[0]);
        return e.items[2] ? eval(*e.items[2]) : Value::undefined("else");
    }
    return {};
  }

  Value binary(const Expr& e) {
    const std::string& op = e.name;
    const Value a = eval(*e.items[0]);
    // and / or return an operand, as Python does, and short-circuit.
    if (op == "and") return a.truthy() ? eval(*e.items[1]) : a;
    if (op == "or") return a.truthy() ? a : eval(*e.items[1]);
    const Value b = eval(*e.items[1]);
    if (op == "~") return Value(a.to_output() + b.to_output());
    if ((a.is_undefined() || b.is_undefined()) && op != "==" && op != "!=" && op != "in" && op != "notin") {
      const Value& u = a.is_undefined() ? a : b;
      fail(e.line, "'" + std::get<Undefined>(u.v).name + "' is undefined");
    }
    try {
      return binary_op(op, a, b);
    } catch (const Error& err) {
      fail(e.line, err.what());
    }
  }

  Value attribute(const Value& v, const std::string& name, int line) {
    if (v.is_undefined()) fail(line, "'" + std::get<Undefined>(v.v).name + "' is undefined (reading ." + name + ")");
    if (v.is_dict()) {
      const Value* x = v.dict().find(name);
      return x ? *x : Value::undefined(name);
    }
    return Value::undefined(name);
  }

  Value index(const Value& v, const Value& key, int line) {
    if (v.is_undefined()) fail(line, "'" + std::get<Undefined>(v.v).name + "' is undefined (indexing it)");
    if (v.is_dict()) {
      if (!key.is_string()) return Value::undefined(key.to_output());
      const Value* x = v.dict().find(key.str());
      return x ? *x : Value::undefined(key.str());
    }
    if ((v.is_list() || v.is_string()) && key.is_int()) {
      const List items = v.is_list() ? v.list() : iterate(v, line, *this);
      std::int64_t i = key.integer();
      const auto n = static_cast<std::int64_t>(items.size());
      if (i < -n || i >= n) return Value::undefined("[" + key.to_output() + "]");
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value::undefined("[" + key.to_output() + "]");
      return items[static_cast<std::size_t>(i)];
    }
    if (key.is_string()) return attribute(v, key.str(), line);
    return Value::undefined("[" + key.to_output() + "]");
  }

  Value slice(const Expr& e) {
    const Value v = eval(*e.items[0]);
    auto part = [&](int i) -> std::optional<std::int64_t> {
      if (!e.items[static_cast<std::size_t>(i)]) return std::nullopt;
      const Value x = eval(*e.items[static_cast<std::size_t>(i)]);
      if (x.is_none()) return std::nullopt;
      if (!x.is_int()) fail(e.line, "slice bounds must be integers");
      return x.integer();
    };
    const auto start = part(1), stop = part(2), stride = part(3);
    const List items = iterate(v, e.line, *this);
    const auto n = static_cast<std::int64_t>(items.size());
    const std::int64_t st = stride.value_or(1);
    if (st == 0) fail(e.line, "slice step cannot be zero");
    // Python's slice.indices(): negative bounds count from the end, then clamp to the list.
    auto clamp = [&](std::optional<std::int64_t> x, std::int64_t fallback) {
      if (!x) return fallback;
      std::int64_t i = *x;
      if (i < 0) i = i < -n ? -1 : i + n;
      return st > 0 ? std::clamp<std::int64_t>(i, 0, n) : std::clamp<std::int64_t>(i, -1, n - 1);
    };
    const std::int64_t from = clamp(start, st > 0 ? 0 : n - 1);
    const std::int64_t to = clamp(stop, st > 0 ? n : -1);
    List out;
    for (std::int64_t i = from; st > 0 ? i < to : i > to;) {
      out.push_back(items[static_cast<std::size_t>(i)]);
      if (__builtin_add_overflow(i, st, &i)) break;
    }
    if (v.is_string()) {
      std::string s;
      for (const auto& c : out) s += c.str();
      return Value(s);
    }
    return Value(std::move(out));
  }

  std::pair<Args, Kwargs> arguments(const Expr& e) {
    Args args;
    Kwargs kwargs;
    for (const auto& a : e.args) args.push_back(eval(*a));
    for (const auto& [k, a] : e.kwargs) kwargs.emplace_back(k, eval(*a));
    return {std::move(args), std::move(kwargs)};
  }

  static bool test_callback(void* self, const std::string& name, const Value& v, const Args& args) {
    (void)self;
    return apply_test(name, v, args);
  }
  static Value filter_callback(void* self, const std::string& name, const Value& v, const Args& args, const Kwargs& kwargs) {
    return static_cast<Renderer*>(self)->filter(name, v, args, kwargs, 0);
  }

  Value filter(const std::string& name, const Value& v, const Args& args, const Kwargs& kwargs, int line) {
    try {
      return apply_filter(name, v, args, kwargs, Callbacks{&test_callback, &filter_callback, this});
    } catch (const RaisedError&) {
      throw;
    } catch (const Error& err) {
      if (line == 0) throw;
      fail(line, err.what());
    }
  }

  Value call(const Expr& e) {
    const Expr& callee = *e.items[0];
    auto [args, kwargs] = arguments(e);
    // 1. A method of a value: "text".strip(), message.get('x'), d.items().
    if (callee.kind == Expr::Kind::Attr) {
      const Value self = eval(*callee.items[0]);
      if (self.is_dict() && self.dict().find(callee.name) && self.dict().find(callee.name)->is_macro()) {
        return call_macro(*self.dict().find(callee.name), args, kwargs, e.line);
      }
      if (self.is_undefined()) fail(e.line, "'" + std::get<Undefined>(self.v).name + "' is undefined (calling ." + callee.name + "())");
      std::optional<Value> r;
      try {
        r = call_method(self, callee.name, args, kwargs);
      } catch (const Error& err) {
        fail(e.line, err.what());
      }
      if (!r) fail(e.line, "a " + self.type_name() + " has no method " + callee.name + "()");
      return *r;
    }
    // 2. A macro, or a global function.
    if (callee.kind == Expr::Kind::Name) {
      if (const Value* v = lookup(callee.name); v != nullptr && v->is_macro()) return call_macro(*v, args, kwargs, e.line);
      return call_global(callee.name, args, kwargs, e.line);
    }
    const Value v = eval(callee);
    if (v.is_macro()) return call_macro(v, args, kwargs, e.line);
    fail(e.line, "a " + v.type_name() + " cannot be called");
  }

  static bool is_global_function(const std::string& name) {
    return name == "raise_exception" || name == "strftime_now" || name == "namespace" || name == "range" ||
           name == "dict";
  }

  Value call_global(const std::string& name, const Args& args, const Kwargs& kwargs, int line) {
    if (name == "raise_exception") {
      throw RaisedError(args.empty() ? std::string("the template raised an error") : args[0].to_output(),
                        {t_.origin(), 0, "chat_template"});
    }
    if (name == "namespace" || name == "dict") {
      Dict d;
      if (!args.empty() && args[0].is_dict()) d = args[0].dict();
      for (const auto& [k, v] : kwargs) d.set(k, v);
      Value out = Value::dict(std::move(d));
      out.is_namespace = name == "namespace";
      return out;
    }
    if (name == "range") {
      std::int64_t from = 0, to = 0, by = 1;
      auto num = [&](std::size_t i) {
        if (!args[i].is_int()) fail(line, "range needs integers");
        return args[i].integer();
      };
      if (args.size() == 1) to = num(0);
      else if (args.size() >= 2) from = num(0), to = num(1);
      if (args.size() >= 3) by = num(2);
      if (by == 0 || args.empty()) fail(line, "range needs a stop and a non-zero step");
      List out;
      for (std::int64_t i = from; by > 0 ? i < to : i > to;) {
        out.emplace_back(i);
        if (__builtin_add_overflow(i, by, &i)) break;
        if (out.size() > (1u << 20)) fail(line, "range is too long");
      }
      return Value(std::move(out));
    }
    if (name == "strftime_now") {
      if (args.empty() || !args[0].is_string()) fail(line, "strftime_now needs a format string");
      const std::time_t now = limits_.now.value_or(std::time(nullptr));
      std::tm tm{};
      localtime_r(&now, &tm);
      char buf[256];
      const std::size_t n = std::strftime(buf, sizeof buf, args[0].str().c_str(), &tm);
      return Value(std::string(buf, n));
    }
    if (const Value* v = lookup(name); v == nullptr || v->is_undefined()) fail(line, "'" + name + "' is undefined");
    fail(line, "'" + name + "' cannot be called");
  }

  Value call_macro(const Value& m, const Args& args, const Kwargs& kwargs, int line) {
    const Macro& macro = *std::get<std::shared_ptr<Macro>>(m.v);
    if (macro.def == nullptr) return call_global(macro.builtin, args, kwargs, line);
    const Stmt& def = *macro.def;
    if (++depth_ > limits_.max_depth) fail(line, "macros call each other too deeply");
    // Scope: the globals, the template's top level, then the call's own.
    std::vector<Dict> saved(scopes_.begin() + 2, scopes_.end());
    scopes_.resize(2);
    scopes_.emplace_back();
    for (std::size_t i = 0; i < def.targets.size(); ++i) {
      Value v = Value::undefined(def.targets[i]);
      if (i < args.size()) {
        v = args[i];
      } else if (const auto it = std::find_if(kwargs.begin(), kwargs.end(), [&](const auto& kv) { return kv.first == def.targets[i]; });
                 it != kwargs.end()) {
        v = it->second;
      } else if (def.defaults[i]) {
        v = eval(*def.defaults[i]);
      }
      scopes_.back().set(def.targets[i], v);
    }
    Rendered outer = std::move(out_);
    out_ = {};
    try {
      exec_body(def.body);
    } catch (...) {
      out_ = std::move(outer);
      throw;
    }
    Value result(out_.text);
    out_ = std::move(outer);
    scopes_.resize(2);
    scopes_.insert(scopes_.end(), saved.begin(), saved.end());
    --depth_;
    return result;
  }

  const Template& t_;
  const RenderLimits& limits_;
  std::vector<Dict> scopes_;
  Rendered out_;
  std::uint64_t steps_ = 0;
  int depth_ = 0;
};

}  // namespace

Rendered Template::render(const nlohmann::ordered_json& context, const RenderLimits& limits) const {
  Renderer r(*this, limits);
  try {
    return r.run(*body_, context);
  } catch (const BreakLoop&) {
    throw Error("{% break %} outside a loop", {origin_, 0, "chat_template"});
  } catch (const ContinueLoop&) {
    throw Error("{% continue %} outside a loop", {origin_, 0, "chat_template"});
  }
}

}  // namespace tb::jinja
