// WarningBanner: one training-health warning (overfitting, underfitting, divergence) shown as a
// coloured strip on the Train page — never a dialog: what happened, what to do, and a button for
// the action that makes sense for its kind, plus Dismiss. It only emits signals; the page acts.
#pragma once

#include <QFrame>
#include <QString>

#include "core/train/detectors.h"

class QLabel;
class QPushButton;

namespace tbui {

class WarningBanner : public QFrame {
  Q_OBJECT

 public:
  explicit WarningBanner(const tb::train::TrainingWarning& warning, QWidget* parent = nullptr);

  tb::train::WarningKind kind() const { return kind_; }
  qint64 step() const { return step_; }
  QString title() const;
  QString message() const;
  QString actionText() const;
  // The kind's action button ("Stop and keep best", "Lower the learning rate", "Open Setup").
  QPushButton* actionButton() const { return action_; }
  QPushButton* dismissButton() const { return dismiss_; }
  // Stop and keep best only makes sense while the run goes on: the page turns it off after.
  void setRunActive(bool active);
  // Hides the banner and emits dismissed() (the page deletes it later).
  void dismiss();

 Q_SIGNALS:
  void stopKeepBestRequested();
  void lowerLearningRateRequested();
  void openSetupRequested();
  void dismissed();

 private:
  tb::train::WarningKind kind_;
  qint64 step_;
  QLabel* title_;
  QLabel* message_;
  QLabel* actionText_;
  QPushButton* action_;
  QPushButton* dismiss_;
};

}  // namespace tbui
