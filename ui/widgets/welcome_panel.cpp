// WelcomePanel (see welcome_panel.h).
#include "ui/widgets/welcome_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace tbui {

namespace {
const QString kDismissedKey = QStringLiteral("welcome/dismissed");
}

WelcomePanel::WelcomePanel(QWidget* parent) : QFrame(parent) {
  setObjectName(QStringLiteral("welcomePanel"));
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  QPalette p = palette();
  p.setColor(QPalette::Window, p.color(QPalette::AlternateBase));
  setPalette(p);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(16, 10, 12, 10);
  auto* text = new QLabel(
      tr("<b>Welcome to Tunebench.</b> The demo project is open: the small SmolLM2-135M-Instruct "
         "model and 320 science questions with careful answers. Walk the steps on the left — "
         "<b>Model</b> (what you fine-tune), <b>Data</b> and <b>Template</b> (your examples), "
         "<b>Setup</b> (how it learns, and whether it fits), <b>Train</b> (watch it learn; a few "
         "minutes on this computer's processor), <b>Evaluate</b> and <b>Compare</b> (did it get "
         "better, did it forget?), <b>Runs</b>, <b>Export</b>. Everything stays on this computer; "
         "the project saves itself."),
      this);
  text->setObjectName(QStringLiteral("welcomeText"));
  text->setWordWrap(true);
  text->setTextFormat(Qt::RichText);
  auto* buttons = new QVBoxLayout;
  auto* start = new QPushButton(tr("Start with the model"), this);
  start->setObjectName(QStringLiteral("welcomeStart"));
  auto* close = new QPushButton(tr("Don't show again"), this);
  close->setObjectName(QStringLiteral("welcomeDismiss"));
  buttons->addWidget(start);
  buttons->addWidget(close);
  buttons->addStretch(1);
  layout->addWidget(text, 1);
  layout->addLayout(buttons);
  connect(start, &QPushButton::clicked, this, &WelcomePanel::startRequested);
  connect(close, &QPushButton::clicked, this, &WelcomePanel::dismiss);
}

bool WelcomePanel::dismissedBefore() { return QSettings().value(kDismissedKey, false).toBool(); }

void WelcomePanel::dismiss() {
  QSettings().setValue(kDismissedKey, true);
  hide();
}

}  // namespace tbui
