// The Compare step's shared labels, buttons and text clean-up (see compare_widgets.h).
#include "ui/pages/compare/compare_widgets.h"

#include <QLabel>
#include <QPushButton>

namespace tbui {

QLabel* wrappedLabel(const QString& text, QWidget* parent) {
  auto* label = new QLabel(text, parent);
  label->setWordWrap(true);
  return label;
}

QLabel* plainLabel(QWidget* parent, const QString& name) {
  auto* label = wrappedLabel({}, parent);
  label->setObjectName(name);
  label->setTextFormat(Qt::PlainText);
  return label;
}

QPushButton* namedButton(QWidget* parent, const QString& text, const QString& name) {
  auto* b = new QPushButton(text, parent);
  b->setObjectName(name);
  return b;
}

}  // namespace tbui
