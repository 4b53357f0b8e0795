// Small pieces the Compare step's page and panels share: word-wrapped and plain-text labels,
// named buttons, and model output made safe to show (control characters as U+FFFD).
#pragma once

#include <QString>

class QLabel;
class QPushButton;
class QWidget;

namespace tbui {

// A word-wrapped label (rich text allowed: for the page's own wording).
QLabel* wrappedLabel(const QString& text, QWidget* parent);
// A label the page fills with text from models and people: plain text, never rich.
QLabel* plainLabel(QWidget* parent, const QString& name);
QPushButton* namedButton(QWidget* parent, const QString& text, const QString& name);
// A tiny model's raw bytes may hold control characters: shown as U+FFFD.
QString visibleModelText(const QString& text);

}  // namespace tbui
