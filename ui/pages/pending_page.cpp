// PendingPage (see pending_page.h).
#include "ui/pages/pending_page.h"

#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>

namespace tbui {

PendingPage::PendingPage(const WizardStep& step, int number, QWidget* parent)
    : QWidget(parent), key_(step.key) {
  setObjectName(QStringLiteral("page_") + step.key);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(32, 28, 32, 28);
  layout->setSpacing(12);

  auto* title = new QLabel(QStringLiteral("%1. %2").arg(number).arg(step.title), this);
  title->setObjectName(QStringLiteral("pageTitle"));
  QFont titleFont = title->font();
  titleFont.setPointSizeF(titleFont.pointSizeF() * 1.8);
  titleFont.setBold(true);
  title->setFont(titleFont);
  layout->addWidget(title);

  auto* purpose = new QLabel(step.purpose, this);
  purpose->setWordWrap(true);
  QFont purposeFont = purpose->font();
  purposeFont.setPointSizeF(purposeFont.pointSizeF() * 1.15);
  purpose->setFont(purposeFont);
  layout->addWidget(purpose);

  auto* notice = new QLabel(
      tr("This step is not built yet in this version of Tunebench. Nothing here is "
         "placeholder data: the step will appear on this page when it is ready."),
      this);
  notice->setObjectName(QStringLiteral("pendingNotice"));
  notice->setWordWrap(true);
  notice->setFrameShape(QFrame::StyledPanel);
  notice->setMargin(12);
  notice->setBackgroundRole(QPalette::AlternateBase);
  notice->setAutoFillBackground(true);
  layout->addWidget(notice);
  layout->addStretch(1);
}

}  // namespace tbui
