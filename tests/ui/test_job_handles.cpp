// Jobs started through EngineBridge come back on their own JobHandle (job_handle.h): each handle
// hears its job's events and no other's, results before the end, the end once with how it ended,
// and the handle goes after it. Real imports on the engine's worker, two at once.
#include <QPointer>
#include <QSignalSpy>
#include <QTest>

#include "tests/common/test_paths.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/bridge/job_handle.h"

namespace {

// What one handle heard, in order.
struct Heard {
  QStringList order;
  int audited = 0;
  QList<tbui::JobEnd> ends;
  QString message;
};

void listen(tbui::JobHandle* job, Heard& heard) {
  QObject::connect(job, &tbui::JobHandle::dataAudited, job, [&heard](std::shared_ptr<tb::data::DataSnapshot> s) {
    if (s) ++heard.audited;
    heard.order << QStringLiteral("audited");
  });
  QObject::connect(job, &tbui::JobHandle::ended, job, [&heard](tbui::JobEnd how, const QString& message) {
    heard.ends << how;
    heard.message = message;
    heard.order << QStringLiteral("ended");
  });
}

tb::data::DataJobSettings import(const std::string& path) {
  tb::data::DataJobSettings s;
  s.path = path;
  return s;
}

}  // namespace

class TestJobHandles : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void eachJobHearsItsOwnEventsAndEndsOnce() {
    tbui::EngineBridge bridge;
    const std::string data = tb_test::source_dir() + "/tests/data/datasets/sharegpt.jsonl";
    QPointer<tbui::JobHandle> good = bridge.importDataset(import(data));
    QPointer<tbui::JobHandle> broken = bridge.importDataset(import("/no/such/file.jsonl"));
    QVERIFY(good && broken);
    QVERIFY(good->id() != broken->id());
    Heard fromGood, fromBroken;
    listen(good, fromGood);
    listen(broken, fromBroken);
    QTRY_VERIFY_WITH_TIMEOUT(!fromGood.ends.isEmpty() && !fromBroken.ends.isEmpty(), 60000);
    // The good import: its data, then its end; the broken one: only a failure naming the file.
    QVERIFY2(fromGood.message.isEmpty(), qPrintable(fromGood.message));
    QCOMPARE(fromGood.order, (QStringList{QStringLiteral("audited"), QStringLiteral("ended")}));
    QCOMPARE(fromGood.audited, 1);
    QCOMPARE(fromGood.ends, QList<tbui::JobEnd>{tbui::JobEnd::Finished});
    QCOMPARE(fromBroken.audited, 0);
    QCOMPARE(fromBroken.ends, QList<tbui::JobEnd>{tbui::JobEnd::Failed});
    QVERIFY2(fromBroken.message.contains(QStringLiteral("/no/such/file.jsonl")), qPrintable(fromBroken.message));
    // A handle goes once its job has ended.
    QTRY_VERIFY(good.isNull() && broken.isNull());
  }

  void aCancelledJobEndsCancelled() {
    tbui::EngineBridge bridge;
    const std::string data = tb_test::source_dir() + "/tests/data/datasets/sharegpt.jsonl";
    tbui::JobHandle* first = bridge.importDataset(import(data));
    tbui::JobHandle* second = bridge.importDataset(import(data));
    Heard fromFirst, fromSecond;
    listen(first, fromFirst);
    listen(second, fromSecond);
    second->cancel();  // queued behind the first, or stopped while it reads
    QTRY_VERIFY_WITH_TIMEOUT(!fromFirst.ends.isEmpty() && !fromSecond.ends.isEmpty(), 60000);
    QCOMPARE(fromFirst.ends, QList<tbui::JobEnd>{tbui::JobEnd::Finished});
    QCOMPARE(fromSecond.ends, QList<tbui::JobEnd>{tbui::JobEnd::Cancelled});
    QCOMPARE(fromSecond.order.last(), QStringLiteral("ended"));
  }
};

QTEST_MAIN(TestJobHandles)
#include "test_job_handles.moc"
