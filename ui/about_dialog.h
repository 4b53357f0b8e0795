// The About dialog: Tunebench's version and the versions it runs on — Qt (run-time and build),
// libtorch, the CUDA runtime libtorch was built for — and the compute device.
#pragma once

#include <QDialog>

namespace tbui {

class EngineBridge;

class AboutDialog : public QDialog {
  Q_OBJECT

 public:
  AboutDialog(const EngineBridge& bridge, QWidget* parent);

  // The facts shown, as plain text (for tests and for copying into a support request).
  QString factsText() const { return facts_; }

 private:
  QString facts_;
};

}  // namespace tbui
