// WarningBanner (see warning_banner.h).
#include "ui/pages/train/warning_banner.h"
#include "ui/widgets/palette.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace tbui {
namespace {

struct Look {
  const char* background;
  const char* border;
};

Look look(tb::train::WarningKind kind) {
  switch (kind) {
    case tb::train::WarningKind::Overfitting:
      return {"#fff4e0", "#d08a00"};
    case tb::train::WarningKind::Underfitting:
      return {"#e8f1fb", "#3a78c0"};
    case tb::train::WarningKind::Divergence:
    case tb::train::WarningKind::Checkpoint:
      return {kErrorBackground, kErrorRed};
  }
  return {"#f2f2f2", "#888888"};
}

}  // namespace

WarningBanner::WarningBanner(const tb::train::TrainingWarning& warning, QWidget* parent)
    : QFrame(parent), kind_(warning.kind), step_(warning.step) {
  setObjectName(QStringLiteral("warningBanner"));
  setFrameShape(QFrame::StyledPanel);
  const Look l = look(kind_);
  setStyleSheet(QStringLiteral("QFrame#warningBanner { background: %1; border: 1px solid %2; "
                               "border-left: 5px solid %2; border-radius: 4px; }")
                    .arg(QLatin1String(l.background), QLatin1String(l.border)));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(10, 6, 8, 6);
  auto* texts = new QVBoxLayout;
  texts->setSpacing(2);
  title_ = new QLabel(this);
  title_->setObjectName(QStringLiteral("warningTitle"));
  title_->setText(QStringLiteral("<b>%1</b> <span style='color:#555'>%2</span>")
                      .arg(title().toHtmlEscaped(), tr("at step %1").arg(step_)));
  message_ = new QLabel(QString::fromStdString(warning.message), this);
  message_->setObjectName(QStringLiteral("warningMessage"));
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  actionText_ = new QLabel(QString::fromStdString(warning.action), this);
  actionText_->setObjectName(QStringLiteral("warningAction"));
  actionText_->setWordWrap(true);
  actionText_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  actionText_->setVisible(!warning.action.empty());
  QFont italic = actionText_->font();
  italic.setItalic(true);
  actionText_->setFont(italic);
  texts->addWidget(title_);
  texts->addWidget(message_);
  texts->addWidget(actionText_);
  layout->addLayout(texts, 1);

  action_ = new QPushButton(this);
  switch (kind_) {
    case tb::train::WarningKind::Overfitting:
      action_->setText(tr("Stop and keep best"));
      action_->setObjectName(QStringLiteral("stopKeepBestButton"));
      action_->setToolTip(
          tr("End the run now and keep the checkpoint with the lowest validation loss"));
      connect(action_, &QPushButton::clicked, this, &WarningBanner::stopKeepBestRequested);
      break;
    case tb::train::WarningKind::Divergence:
      // The run has already gone back to its last good checkpoint and stopped (train_run.cpp).
      action_->setText(tr("Lower the learning rate"));
      action_->setObjectName(QStringLiteral("lowerLearningRateButton"));
      action_->setToolTip(tr("Halve the learning rate on the Setup step, then start again"));
      connect(action_, &QPushButton::clicked, this, &WarningBanner::lowerLearningRateRequested);
      break;
    case tb::train::WarningKind::Underfitting:
      action_->setText(tr("Open Setup"));
      action_->setObjectName(QStringLiteral("openSetupButton"));
      action_->setToolTip(tr("Change the method, the learning rate or the length of the training"));
      connect(action_, &QPushButton::clicked, this, &WarningBanner::openSetupRequested);
      break;
    case tb::train::WarningKind::Checkpoint:
      // Nothing to press: the run goes on and tries again; the message says what to free.
      action_->hide();
      break;
  }
  dismiss_ = new QPushButton(tr("Dismiss"), this);
  dismiss_->setObjectName(QStringLiteral("dismissButton"));
  dismiss_->setToolTip(tr("Hide this warning (it stays in the log)"));
  connect(dismiss_, &QPushButton::clicked, this, &WarningBanner::dismiss);
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(action_);
  buttons->addWidget(dismiss_);
  buttons->addStretch(1);
  layout->addLayout(buttons);
}

QString WarningBanner::title() const {
  switch (kind_) {
    case tb::train::WarningKind::Overfitting:
      return tr("Overfitting");
    case tb::train::WarningKind::Underfitting:
      return tr("Underfitting");
    case tb::train::WarningKind::Divergence:
      return tr("Divergence");
    case tb::train::WarningKind::Checkpoint:
      return tr("Checkpoint not saved");
  }
  return tr("Warning");
}

QString WarningBanner::message() const { return message_->text(); }

QString WarningBanner::actionText() const { return actionText_->text(); }

void WarningBanner::setRunActive(bool active) {
  if (kind_ != tb::train::WarningKind::Overfitting) return;
  action_->setEnabled(active);
  action_->setToolTip(active
                          ? tr("End the run now and keep the checkpoint with the lowest "
                               "validation loss")
                          : tr("The run has ended; its best checkpoint is kept in the run folder"));
}

void WarningBanner::dismiss() {
  hide();
  Q_EMIT dismissed();
}

}  // namespace tbui
