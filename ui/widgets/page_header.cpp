// The wizard pages' common top (page_header.h).
#include "ui/widgets/page_header.h"

#include <QLabel>
#include <QVBoxLayout>

namespace tbui {

QVBoxLayout* pageLayout(QWidget* page, const QString& title, const QString& text) {
  auto* layout = new QVBoxLayout(page);
  layout->setContentsMargins(24, 18, 24, 12);
  auto* header = new QLabel(QStringLiteral("<h2>%1</h2>%2").arg(title.toHtmlEscaped(), text), page);
  header->setObjectName(QStringLiteral("pageHeader"));
  header->setWordWrap(true);
  layout->addWidget(header);
  return layout;
}

}  // namespace tbui
