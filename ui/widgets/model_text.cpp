// Model output made safe to show (model_text.h).
#include "ui/widgets/model_text.h"

namespace tbui {

QString visibleModelText(const QString& text) {
  QString out = text;
  for (QChar& c : out) {
    const char16_t u = c.unicode();
    if ((u < 0x20 && u != '\n' && u != '\t') || u == 0x7f) c = QChar(QChar::ReplacementCharacter);
  }
  return out;
}

}  // namespace tbui
