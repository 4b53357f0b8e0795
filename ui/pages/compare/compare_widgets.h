// Small pieces the Compare step's page and panels share: word-wrapped and plain-text labels,
// named buttons (model output is made safe to show by ui/widgets/model_text.h).
#pragma once

#include <QString>

#include "ui/widgets/model_text.h"

class QLabel;
class QPushButton;
class QWidget;

namespace tbui {

// A word-wrapped label (rich text allowed: for the page's own wording).
QLabel* wrappedLabel(const QString& text, QWidget* parent);
// A label the page fills with text from models and people: plain text, never rich.
QLabel* plainLabel(QWidget* parent, const QString& name);
QPushButton* namedButton(QWidget* parent, const QString& text, const QString& name);

}  // namespace tbui
