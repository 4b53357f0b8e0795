// The wizard's steps in order, with the name on the navigation and one plain sentence on what
// each step is for. Data only: pages and navigation read it, nothing here does work.
#pragma once

#include <QString>
#include <QVector>

namespace tbui {

struct WizardStep {
  QString key;      // stable id: "model", "data", ...
  QString title;    // "Model"
  QString purpose;  // one plain sentence
};

const QVector<WizardStep>& wizardSteps();

}  // namespace tbui
