// Text a model wrote, made safe to show: a barely trained model writes anything, and control
// characters (other than newline and tab) would garble a label or break the HTML around it, so
// they are shown as U+FFFD. For every page that shows answers (Train's samples, Compare).
#pragma once

#include <QString>

namespace tbui {

QString visibleModelText(const QString& text);

}  // namespace tbui
