// SelfTestRunner (see self_test_runner.h).
#include "ui/self_test_runner.h"

#include <QApplication>
#include <QStackedWidget>
#include <QTimer>

#include <cstdio>

#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"

namespace tbui {
namespace {

void print(const QString& line) {
  std::fputs((line + QLatin1Char('\n')).toLocal8Bit().constData(), stdout);
  std::fflush(stdout);
}

}  // namespace

SelfTestRunner::SelfTestRunner(EngineBridge* bridge, MainWindow* window, QObject* parent)
    : QObject(parent), bridge_(bridge), window_(window) {}

void SelfTestRunner::start(int timeoutMs) {
  // 1. The window: every page built, the platform plugin and the icon theme loaded.
  auto* pages = window_->findChild<QStackedWidget*>();
  const int count = pages != nullptr ? pages->count() : 0;
  print(QStringLiteral("%1window        %2 pages, %3x%4, platform %5")
            .arg(count > 0 ? QStringLiteral("ok    ") : QStringLiteral("FAIL  "))
            .arg(count)
            .arg(window_->width())
            .arg(window_->height())
            .arg(QApplication::platformName()));
  if (count == 0) {
    finish(1, tr("the main window has no pages"));
    return;
  }
  // 2. The engine's checks on its worker thread; their lines come back as queued signals.
  QTimer::singleShot(timeoutMs, this, [this, timeoutMs] {
    finish(1, tr("no answer from the engine within %1 s").arg(timeoutMs / 1000));
  });
  JobHandle* job = bridge_->runSelfTest();
  connect(job, &JobHandle::logLine, this, [](const QString& line) { print(line); });
  connect(job, &JobHandle::ended, this,
          [this](JobEnd how, const QString& message) { finish(how == JobEnd::Finished ? 0 : 1, message); });
}

void SelfTestRunner::finish(int code, const QString& why) {
  if (done_) return;
  done_ = true;
  print(code == 0 ? tr("self-test passed") : tr("self-test failed: %1").arg(why));
  QApplication::exit(code);
}

}  // namespace tbui
