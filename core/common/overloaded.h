// Overloaded: a visitor made of lambdas, for std::visit over the event variants
// (std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v)).
#pragma once

namespace tb {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace tb
