// The Data page as a person uses it: import a fixture (rejected rows listed with their lines),
// choose a template for a CSV, read the split and the audit, curate with undo and redo, drop
// the leaking examples, save and read the file back; and during a 100,000-row import the event
// loop never stalls longer than 100 ms.
#include <QApplication>
#include <QComboBox>
#include <QMimeData>
#include <QUrl>
#include <QElapsedTimer>
#include <QMap>
#include <QSet>
#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>
#include <QUndoStack>

#include "core/data/dataset.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/data/example_commands.h"
#include "ui/pages/data/examples_model.h"
#include "ui/widgets/histogram_view.h"
#include "tests/common/test_paths.h"

namespace {

const QString kData = QString::fromStdString(tb_test::source_dir() + "/tests/data/datasets/");

bool importAndWait(tbui::DataPage& page, const QString& path, int timeoutMs = 60000) {
  QSignalSpy done(&page, &tbui::DataPage::importFinished);
  page.openFile(path);
  if (!done.wait(timeoutMs)) return false;
  return done.front().front().toBool();
}

QTreeWidgetItem* category(QTreeWidget* tree, const QString& prefix) {
  for (int i = 0; i < tree->topLevelItemCount(); ++i) {
    if (tree->topLevelItem(i)->text(0).startsWith(prefix)) return tree->topLevelItem(i);
  }
  return nullptr;
}

}  // namespace

class TestDataPage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void importListsRejectedRowsWithTheirLines() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    QVERIFY(importAndWait(page, kData + QStringLiteral("alpaca_bad_rows.jsonl")));
    QCOMPARE(page.examplesModel()->rowCount(), 3);
    QVERIFY2(page.summaryText().contains(QStringLiteral("10 rows read, <b>3 kept</b>, 7 rejected")),
             qPrintable(page.summaryText()));
    QTreeWidgetItem* rejected = category(page.problems(), QStringLiteral("Rows not imported (7)"));
    QVERIFY(rejected != nullptr);
    QCOMPARE(rejected->child(2)->text(0), QStringLiteral("alpaca_bad_rows.jsonl:5"));
    QCOMPARE(rejected->child(2)->text(1), QStringLiteral("the key \"instruction\" appears twice in one object"));
    // The shown prompt is the instruction with its input.
    QCOMPARE(page.examplesModel()->fieldText(0, tbui::ExamplesModel::Prompt), QStringLiteral("Add the numbers.\n\n2 and 3"));
  }

  void csvThroughATemplateWithLabelsAndLengths() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    // Without a template the columns cannot become prompts: a clear failure, no crash.
    QVERIFY(!importAndWait(page, kData + QStringLiteral("reviews.csv")));
    QVERIFY2(page.summaryText().contains(QStringLiteral("need a prompt template")), qPrintable(page.summaryText()));
    page.templateCombo()->setCurrentIndex(page.templateCombo()->findData(QStringLiteral("review_rating")));
    QVERIFY(importAndWait(page, kData + QStringLiteral("reviews.csv")));
    QCOMPARE(page.examplesModel()->rowCount(), 4);
    QVERIFY(page.examplesModel()->fieldText(0, tbui::ExamplesModel::Prompt).startsWith(QStringLiteral("Rate this product review")));
    QCOMPARE(page.examplesModel()->fieldText(0, tbui::ExamplesModel::Completion), QStringLiteral("5"));
    QCOMPARE(page.examplesModel()->fieldText(0, tbui::ExamplesModel::Label), QStringLiteral("5"));
    QVERIFY(page.histogram()->binCount() > 0);
    // The label column was detected (rating) and its balance shown; choosing none removes it.
    QVERIFY2(page.lengthsText().contains(QStringLiteral("Labels (column rating): 1: 1 (25.0 %), 4: 2 (50.0 %), 5: 1 (25.0 %)")),
             qPrintable(page.lengthsText()));
    page.labelColumnCombo()->setCurrentIndex(page.labelColumnCombo()->findData(QString()));
    QVERIFY(importAndWait(page, kData + QStringLiteral("reviews.csv")));
    QVERIFY(!page.lengthsText().contains(QStringLiteral("Labels")));
    QCOMPARE(page.examplesModel()->fieldText(0, tbui::ExamplesModel::Label), QString());
  }

  void dropAFileToImportItAndCancelALongImport() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QSignalSpy done(&page, &tbui::DataPage::importFinished);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(kData + QStringLiteral("bom_crlf.jsonl"))});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&page, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&page, &drop);
    QVERIFY(done.wait(30000));
    QCOMPARE(page.examplesModel()->rowCount(), 2);
    // Cancel: the page comes back (with what was read, or nothing) and says so.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int i = 0; i < 200000; ++i) f.write(QByteArray("{\"prompt\": \"p\", \"completion\": \"c ") + QByteArray::number(i) + "\"}\n");
    f.close();
    done.clear();
    page.openFile(path);
    QVERIFY(page.busy());
    page.cancelImport();
    QVERIFY(done.wait(60000));
    QVERIFY(!page.busy());
    QVERIFY2(page.summaryText().contains(QStringLiteral("Import cancelled")), qPrintable(page.summaryText()));
    QVERIFY(page.examplesModel()->rowCount() < 200000);
  }

  void anExampleFromElsewhereJoinsTheTable() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    QVERIFY(importAndWait(page, kData + QStringLiteral("bom_crlf.jsonl")));
    tb::data::Example fixed;
    fixed.messages = {{"user", "What is 3+3?"}, {"assistant", "6"}};
    fixed.tags = {"from compare"};
    page.addExample(fixed);
    QCOMPARE(page.examplesModel()->rowCount(), 3);
    QCOMPARE(page.examplesModel()->fieldText(2, tbui::ExamplesModel::Completion), QStringLiteral("6"));
    QCOMPARE(page.examplesModel()->fieldText(2, tbui::ExamplesModel::SplitColumn), QStringLiteral("train"));
    page.undoStack()->undo();
    QCOMPARE(page.examplesModel()->rowCount(), 2);
  }

  void fixedTestFileJoinsAsTestAndItsLeakIsFound() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    page.setTestFile(kData + QStringLiteral("qa_fixed_test.tsv"));
    QVERIFY(importAndWait(page, kData + QStringLiteral("qa.tsv")));
    QCOMPARE(page.examplesModel()->rowCount(), 4);
    QCOMPARE(page.examplesModel()->fieldText(3, tbui::ExamplesModel::SplitColumn), QStringLiteral("test"));
    QVERIFY2(page.summaryText().contains(QStringLiteral("Fixed test set qa_fixed_test.tsv: 2 rows read, 2 kept")),
             qPrintable(page.summaryText()));
    QTreeWidgetItem* leaks = category(page.problems(), QStringLiteral("Leaking across splits"));
    QVERIFY(leaks != nullptr);
    QCOMPARE(leaks->childCount(), 1);
    QCOMPARE(leaks->child(0)->text(0), QStringLiteral("line 2 (test)"));
  }

  void curateWithUndoRedoAndSave() {
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    QVERIFY(importAndWait(page, kData + QStringLiteral("bom_crlf.jsonl")));
    auto* model = page.examplesModel();
    const QModelIndex completion = model->index(1, tbui::ExamplesModel::Completion);
    QVERIFY(model->setData(completion, QStringLiteral("Paris, the capital.")));
    QVERIFY(model->setData(model->index(1, tbui::ExamplesModel::Tags), QStringLiteral("geography, checked")));
    QCOMPARE(model->fieldText(1, tbui::ExamplesModel::Completion), QStringLiteral("Paris, the capital."));
    page.undoStack()->undo();
    page.undoStack()->undo();
    QCOMPARE(model->fieldText(1, tbui::ExamplesModel::Completion), QStringLiteral("Paris"));
    page.undoStack()->redo();
    page.undoStack()->redo();
    QCOMPARE(model->fieldText(1, tbui::ExamplesModel::Tags), QStringLiteral("geography, checked"));
    // Delete the first row, undo it.
    page.undoStack()->push(new tbui::RemoveExampleCommand(model, 0));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->fieldText(0, tbui::ExamplesModel::Completion), QStringLiteral("Paris, the capital."));
    page.undoStack()->undo();
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->fieldText(0, tbui::ExamplesModel::Completion), QStringLiteral("4"));
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("curated.jsonl"));
    QString error;
    QVERIFY2(page.saveExamples(out, &error), qPrintable(error));
    QVERIFY(page.undoStack()->isClean());
    const auto back = tb::data::load_dataset(out.toStdString());
    QCOMPARE(back.mapping.format, tb::data::DatasetFormat::Messages);
    QCOMPARE(back.examples.size(), std::size_t{2});
    QCOMPARE(QString::fromStdString(back.examples[1].completion_text()), QStringLiteral("Paris, the capital."));
    QCOMPARE(back.examples[1].tags, (std::vector<std::string>{"geography", "checked"}));
  }

  void leakingExamplesAreDroppedUndoably() {
    // Ten copies of each of 20 texts: with an 80/10/10 split most texts span splits.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("copies.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    for (int copy = 0; copy < 10; ++copy) {
      for (int i = 0; i < 20; ++i) {
        f.write(QStringLiteral("{\"prompt\": \"question number %1 about things\", \"completion\": \"answer %1 in words\"}\n")
                    .arg(i)
                    .toUtf8());
      }
    }
    f.close();
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    QVERIFY(importAndWait(page, path));
    QCOMPARE(page.examplesModel()->rowCount(), 200);
    QTreeWidgetItem* leaks = category(page.problems(), QStringLiteral("Leaking across splits"));
    QVERIFY(leaks != nullptr);
    const int toDrop = leaks->childCount();
    QVERIFY(toDrop > 0);
    // Clicking a finding shows its example in the table.
    page.problems()->setCurrentItem(leaks->child(0));
    Q_EMIT page.problems()->itemClicked(leaks->child(0), 0);
    QCOMPARE(page.tabs()->currentIndex(), 0);
    QVERIFY(page.table()->selectionModel()->hasSelection());
    QCOMPARE(page.dropLeakingExamples(), toDrop);
    QCOMPARE(page.examplesModel()->rowCount(), 200 - toDrop);
    // Every text that is left is in one split only.
    QMap<QString, QSet<QString>> splitsOfText;
    for (int row = 0; row < page.examplesModel()->rowCount(); ++row) {
      splitsOfText[page.examplesModel()->fieldText(row, tbui::ExamplesModel::Prompt)].insert(
          page.examplesModel()->fieldText(row, tbui::ExamplesModel::SplitColumn));
    }
    QCOMPARE(splitsOfText.size(), 20);
    for (const auto& splits : splitsOfText) QCOMPARE(splits.size(), 1);
    page.undoStack()->undo();  // one step restores them all
    QCOMPARE(page.examplesModel()->rowCount(), 200);
  }

  void eventLoopNeverStallsDuringALargeImport() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("large.jsonl"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    // Rows of 40 pseudo-random words from a 5,000-word vocabulary (a linear congruential
    // generator: the same file every run), like real, varied instructions.
    QByteArray block;
    std::uint64_t state = 12345;
    auto word = [&state] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return QStringLiteral("w%1").arg((state >> 33) % 5000);
    };
    for (int i = 0; i < 100000; ++i) {
      QStringList prompt, completion;
      for (int k = 0; k < 30; ++k) prompt << word();
      for (int k = 0; k < 10; ++k) completion << word();
      block += QStringLiteral("{\"prompt\": \"%1\", \"completion\": \"%2\"}\n")
                   .arg(prompt.join(QLatin1Char(' ')), completion.join(QLatin1Char(' ')))
                   .toUtf8();
      if (block.size() > (1 << 20)) {
        f.write(block);
        block.clear();
      }
    }
    f.write(block);
    f.close();
    tbui::EngineBridge bridge;
    tbui::DataPage page(&bridge);
    page.resize(1200, 800);
    page.show();
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, this, [&] {
      const qint64 now = clock.elapsed();
      worst = std::max(worst, now - last);
      last = now;
    });
    clock.start();
    tick.start();
    QVERIFY(importAndWait(page, path, 120000));
    QTest::qWait(50);  // the repaint after the results arrive
    tick.stop();
    qInfo() << "100,000-row import and audit:" << clock.elapsed() << "ms; longest event-loop gap" << worst << "ms";
    QCOMPARE(page.examplesModel()->rowCount(), 100000);
    QVERIFY2(worst < 100, qPrintable(QStringLiteral("the event loop stalled for %1 ms").arg(worst)));
  }
};

QTEST_MAIN(TestDataPage)
#include "test_data_page.moc"
