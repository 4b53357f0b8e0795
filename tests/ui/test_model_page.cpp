// The Model step and the project session under it: choosing a model stores it in the project
// and shows its facts from the worker (also for the tiny Qwen3 and Gemma 3); a pickle file or a missing folder is explained in place;
// the test prompt streams an answer. The session autosaves with a backup and remembers recent
// projects; runs are stored relative to the project; votes survive a reload.
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "tests/ui/stall_monitor.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/model/model_page.h"
#include "ui/project/project_session.h"
#include "tests/common/test_paths.h"

class TestModelPage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  // The tiny Llama, Qwen3, Gemma 3 and Phi-4-mini-like Phi-3: facts from the worker, the family's differences, the
  // project remembers the model, and the test prompt answers without stalling the window.
  void tinyModelFactsAndAnswer_data() {
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("chat");
    const QString none = QStringLiteral("Chat template: a fallback: The model has no chat template");
    QTest::newRow("llama") << QStringLiteral("llama_gqa") << QStringLiteral("llama")
                           << QStringLiteral("Llama: the Llama decoder as it is") << none;
    QTest::newRow("qwen3") << QStringLiteral("qwen3") << QStringLiteral("qwen3")
                           << QStringLiteral("Qwen3: each head's queries and keys are RMS-normed before RoPE")
                           << QStringLiteral("Chat template: the model's own template, rendered by Tunebench's Jinja engine\n"
                                             "Chat preview: <|im_start|>user ⏎ What is the capital of France?<|im_end|>");
    QTest::newRow("gemma3") << QStringLiteral("gemma3") << QStringLiteral("gemma3")
                            << QStringLiteral("Gemma 3: 2 of 3 layers see the last 5 tokens (RoPE base 10000)") << none;
    QTest::newRow("phi4_mini") << QStringLiteral("phi4_mini") << QStringLiteral("phi3")
                               << QStringLiteral("Phi-3: queries, keys and values come from one fused matrix, as do the "
                                                 "MLP's gate and up; RoPE turns 12 of each head's 16 dimensions; "
                                                 "LongRoPE: short factors up to 64 tokens, long factors beyond, up to 256")
                               << none;
  }

  void tinyModelFactsAndAnswer() {
    QFETCH(QString, folder);
    QFETCH(QString, architecture);
    QFETCH(QString, family);
    QFETCH(QString, chat);
    const QString path = QString::fromStdString(tb_test::parity_out()) + QStringLiteral("/transformer/") + folder;
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}));
    tbui::ModelPage page(&bridge, &session);
    page.resize(1200, 800);
    page.show();
    tbtest::StallMonitor wait;
    QSignalSpy inspected(&page, &tbui::ModelPage::modelInspected);
    page.chooseModel(path);
    QVERIFY(wait.waitUntil([&] { return page.modelReady(); }, 30000));
    QCOMPARE(inspected.size(), 1);
    const auto config = inspected.front().front().value<tb::ModelConfig>();
    QCOMPARE(config.hidden_size, 64);
    QCOMPARE(config.num_layers, 3);
    const QString details = page.detailsText();
    QVERIFY2(details.contains(QStringLiteral("Architecture: ") + architecture), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("Family: ") + family), qPrintable(details));
    QVERIFY2(details.contains(chat), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("Context length: 256 tokens")), qPrintable(details));
    QVERIFY2(details.contains(QStringLiteral("Free memory there: ")), qPrintable(details));
    QCOMPARE(QString::fromStdString(session.project().model), path);

    QSignalSpy answered(&page, &tbui::ModelPage::answerFinished);
    QVERIFY(page.tryPrompt(QStringLiteral("hello")) != 0);
    QVERIFY(wait.waitUntil([&] { return !answered.isEmpty(); }, 60000));
    QVERIFY(!page.answerText().isEmpty());
    QVERIFY2(wait.worstStallMs() < 100, qPrintable(QString::number(wait.worstStallMs())));
  }

  void badModelsAreExplainedInPlace() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}));
    tbui::ModelPage page(&bridge, &session);
    tbtest::StallMonitor wait;
    const QString pickle = dir.filePath(QStringLiteral("pytorch_model.bin"));
    QFile f(pickle);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not really a pickle");
    f.close();
    page.chooseModel(pickle);
    QVERIFY(wait.waitUntil([&] { return !page.errorText().isEmpty(); }, 30000));
    QVERIFY2(page.errorText().contains(QStringLiteral("pickle")), qPrintable(page.errorText()));
    QVERIFY(!page.modelReady());
    page.chooseModel(dir.filePath(QStringLiteral("no-such-folder")));
    QVERIFY(wait.waitUntil([&] { return !page.errorText().isEmpty(); }, 30000));
    QVERIFY2(page.errorText().contains(QStringLiteral("no-such-folder")), qPrintable(page.errorText()));
  }

  void sessionAutosavesRemembersAndKeepsRunsRelative() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("proj/p.tbproj"));
    {
      tbui::ProjectSession session;
      QVERIFY(session.create(file, tb::Project{}));
      QCOMPARE(tbui::ProjectSession::recentProjects().front(), QFileInfo(file).absoluteFilePath());
      QSignalSpy saved(&session, &tbui::ProjectSession::saved);
      session.update([](tb::Project& p) { p.training.learning_rate = 1e-3; });
      QVERIFY(session.dirty());
      QVERIFY(saved.wait(3000));  // the autosave, half a second after the edit
      QVERIFY(!session.dirty());
      QVERIFY(QFileInfo::exists(file + QStringLiteral(".bak")));
      session.addRun(dir.filePath(QStringLiteral("proj/runs/r1")));
      QCOMPARE(QString::fromStdString(session.project().runs.front()), QStringLiteral("runs/r1"));
      session.addVote({"runs/r1", "Why?", "base answer", "tuned answer", "tuned", "2026-11-28T05:00:00Z"});
    }  // the destructor saves what is pending
    tbui::ProjectSession again;
    QString error;
    QVERIFY2(again.open(file, &error), qPrintable(error));
    QCOMPARE(again.project().training.learning_rate, 1e-3);
    QCOMPARE(again.runs().front(), QFileInfo(dir.filePath(QStringLiteral("proj/runs/r1"))).absoluteFilePath());
    QCOMPARE(again.project().votes.size(), std::size_t{1});
    QCOMPARE(QString::fromStdString(again.project().votes.front().choice), QStringLiteral("tuned"));
    // A run that ends after another project was opened is recorded in its own project's file.
    const QString other = dir.filePath(QStringLiteral("other/o.tbproj"));
    QVERIFY(again.create(other, tb::Project{}));
    QVERIFY(again.addRunTo(file, dir.filePath(QStringLiteral("proj/runs/r2")), &error));
    QVERIFY(again.project().runs.empty());
    QCOMPARE(tb::load_project(file.toStdString()).runs.size(), std::size_t{2});
    QVERIFY(again.open(file, &error));
    // A broken file is refused with its name; the open project stays.
    const QString broken = dir.filePath(QStringLiteral("broken.tbproj"));
    QFile b(broken);
    QVERIFY(b.open(QIODevice::WriteOnly));
    b.write("{\"tunebench_project\": 1, \"nmae\": \"x\"}");
    b.close();
    QVERIFY(!again.open(broken, &error));
    QVERIFY2(error.contains(QStringLiteral("nmae")), qPrintable(error));
    QCOMPARE(again.file(), QFileInfo(file).absoluteFilePath());
    // A damaged project file (cut short) opens from its backup, and the session says so.
    QVERIFY(again.saveNow(&error));
    again.update([](tb::Project& p) { p.name = "after the backup"; });
    QVERIFY(again.saveNow(&error));  // proj/p.tbproj.bak holds the version before
    QFile cut(file);
    QVERIFY(cut.open(QIODevice::ReadWrite));
    QVERIFY(cut.resize(cut.size() / 2));
    cut.close();
    QSignalSpy recovered(&again, &tbui::ProjectSession::recovered);
    QVERIFY2(again.open(file, &error), qPrintable(error));
    QCOMPARE(recovered.count(), 1);
    QVERIFY2(recovered.front().front().toString().contains(QStringLiteral("its backup was opened")),
             qPrintable(recovered.front().front().toString()));
    QVERIFY(again.project().name != "after the backup");
    QVERIFY(QFileInfo::exists(file + QStringLiteral(".damaged")));
  }
};

QTEST_MAIN(TestModelPage)
#include "test_model_page.moc"
