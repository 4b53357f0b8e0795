// A wizard page whose step is not built yet: its title, what the step will do, and a plain
// notice that it is not available in this version. Shows no data, invents none.
#pragma once

#include <QWidget>

#include "ui/pages/wizard_steps.h"

namespace tbui {

class PendingPage : public QWidget {
  Q_OBJECT

 public:
  PendingPage(const WizardStep& step, int number, QWidget* parent);

  const QString& stepKey() const { return key_; }

 private:
  QString key_;
};

}  // namespace tbui
