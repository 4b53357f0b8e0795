// The welcome panel shown above the pages on a first start: what Tunebench does with the demo
// project that is loaded, the steps in one line each, and how to begin. Dismissed with its
// button, it stays dismissed (QSettings "welcome/dismissed").
#pragma once

#include <QFrame>

namespace tbui {

class WelcomePanel : public QFrame {
  Q_OBJECT

 public:
  explicit WelcomePanel(QWidget* parent = nullptr);

  // Whether the person has dismissed it before (then the window does not show it).
  static bool dismissedBefore();
  void dismiss();

 Q_SIGNALS:
  // "Start with the model" was clicked: the window shows the first step.
  void startRequested();
};

}  // namespace tbui
