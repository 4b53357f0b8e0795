// The top of every wizard page: the page's layout with the house margins and a header naming the
// step in large type with a sentence or two on what it is for. One place, so every page starts
// alike; pages add their own widgets to the returned layout.
#pragma once

#include <QString>

class QVBoxLayout;
class QWidget;

namespace tbui {

// A QVBoxLayout on `page` whose first item is the header ("pageHeader", word-wrapped rich text:
// `title` as a heading, then `text`, which may hold inline HTML such as <code>).
QVBoxLayout* pageLayout(QWidget* page, const QString& title, const QString& text);

}  // namespace tbui
