// The colours that carry meaning on every page, kept in one place so an error is the same red
// wherever it is said (the Setup step's checks, a failed evaluation, export or template).
#pragma once

#include <QString>

namespace tbui {

inline constexpr const char* kErrorRed = "#b22222";      // text of an error sentence
inline constexpr const char* kErrorBackground = "#fdecea";  // behind an error banner

// A label's style sheet for an error sentence.
inline QString errorStyle(bool bold = false) {
  return QStringLiteral("color:%1%2").arg(QLatin1String(kErrorRed), bold ? QStringLiteral(";font-weight:bold") : QString());
}

}  // namespace tbui
