// The Compare page as a person uses it, with the engine's chat signals fed by the test: a run's
// batch answers in the table with word differences against the reference; both panes filled
// from one chat job (and nothing from another); a failed job said in place; the blind test
// hides the models until the vote, stores the vote in the project and counts it; a corrected
// tuned answer goes out as a new training example.
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include "ui/bridge/engine_bridge.h"
#include "ui/pages/compare/batch_compare_model.h"
#include "ui/pages/compare/batch_compare_panel.h"
#include "ui/pages/compare/chat_compare_panel.h"
#include "ui/pages/compare/compare_page.h"
#include "ui/project/project_session.h"
#include "ui/widgets/diff_view.h"

namespace {

QJsonObject answer(const QString& prompt, const QString& reference, const QString& base,
                   const QString& tuned) {
  return {{"prompt", prompt}, {"reference", reference}, {"base", base}, {"tuned", tuned}};
}

// A run folder with a report.json holding `answers` (as report.json's "generation" has them).
QString makeRun(const QString& folder, const QString& name, const QJsonArray& answers) {
  const QString dir = QDir(folder).filePath(QStringLiteral("runs/") + name);
  QDir().mkpath(dir);
  QJsonObject generation{{"answers", answers}};
  QJsonObject report{{"format", "tunebench-report"}, {"version", 1}, {"status", "finished"}, {"generation", generation}};
  QFile file(QDir(dir).filePath(QStringLiteral("report.json")));
  if (!file.open(QIODevice::WriteOnly)) return {};
  file.write(QJsonDocument(report).toJson());
  return dir;
}

QJsonArray threeAnswers() {
  return {answer("What is 2 + 2?", "It is 4.", "It is five.", "It is 4."),
          answer("Name a primary colour.", "Red is one.", "Blue.", "Red is <b>one</b>."),
          answer("Boiling point of water?", "100 degrees Celsius at sea level.", "Hot.",
                 "100 degrees Celsius.")};
}

// A project in `dir` with one finished run of three answers.
bool makeProject(tbui::ProjectSession& session, const QTemporaryDir& dir, QString* run) {
  QString error;
  if (!session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}, &error)) {
    qWarning() << error;
    return false;
  }
  *run = makeRun(dir.path(), QStringLiteral("run-1"), threeAnswers());
  session.addRun(*run);
  return !run->isEmpty();
}

// One turn of job `job`: both sides stream in two pieces and finish.
void answerTurn(tbui::JobHandle& job, const QString& base, const QString& tuned) {
  Q_EMIT job.chatToken(0, base.left(3));
  Q_EMIT job.chatToken(1, tuned.left(3));
  Q_EMIT job.chatToken(0, base.mid(3));
  Q_EMIT job.chatToken(1, tuned.mid(3));
  Q_EMIT job.chatFinished(0, base, QStringLiteral("eos"), 12.5);
  Q_EMIT job.chatFinished(1, tuned, QStringLiteral("max_new_tokens"), 8.0);
}

QString paneText(const tbui::ComparePage& page, const char* name) {
  auto* pane = page.findChild<QTextBrowser*>(QString::fromLatin1(name));
  return pane ? pane->toPlainText() : QStringLiteral("(no pane %1)").arg(QLatin1String(name));
}

}  // namespace

class TestComparePage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void wordDiffMarksInsertedAndRemovedWords() {
    const auto pieces = tbui::wordDiff(QStringLiteral("the cat sat on the mat"),
                                       QStringLiteral("the dog sat on the mat today"));
    using Kind = tbui::DiffPiece::Kind;
    QStringList seen;
    for (const auto& p : pieces) {
      const char* kind = p.kind == Kind::Same ? "=" : p.kind == Kind::Inserted ? "+" : "-";
      seen << QLatin1String(kind) + p.word;
    }
    QCOMPARE(seen.join(QLatin1Char(' ')),
             QStringLiteral("=the -cat +dog =sat =on =the =mat +today"));
    // Removed words keep their own text's spacing, line breaks survive into the HTML.
    const QString html = tbui::diffHtml(QStringLiteral("a\nb"), QStringLiteral("a\nc"));
    QVERIFY2(html.contains(QStringLiteral("<br>")), qPrintable(html));
    QVERIFY2(html.contains(QStringLiteral("#c6efce")) && html.contains(QStringLiteral("#ffc7ce")),
             qPrintable(html));
  }

  void diffHtmlEscapesMarkup() {
    const QString html =
        tbui::diffHtml(QStringLiteral("plain"), QStringLiteral("<b>bold</b> & plain"));
    QVERIFY2(html.contains(QStringLiteral("&lt;b&gt;bold&lt;/b&gt;")), qPrintable(html));
    QVERIFY2(html.contains(QStringLiteral("&amp;")), qPrintable(html));
    QVERIFY2(!html.contains(QStringLiteral("<b>")), qPrintable(html));
  }

  void longTextsAreShownWithoutHighlighting() {
    QStringList words;
    for (int i = 0; i <= tbui::kMaxDiffWords; ++i) words << QStringLiteral("w%1").arg(i);
    const QString longText = words.join(QLatin1Char(' '));
    QVERIFY(!tbui::wordDiffFits(QStringLiteral("x"), longText));
    const auto pieces = tbui::wordDiff(QStringLiteral("x"), longText);
    QCOMPARE(pieces.size(), qsizetype(tbui::kMaxDiffWords + 1));
    for (const auto& p : pieces) QVERIFY(p.kind == tbui::DiffPiece::Kind::Same);
    QVERIFY(tbui::diffHtml(QStringLiteral("x"), longText).contains(QStringLiteral("Too long")));
  }

  void batchCompareListsTheRunsAnswers() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString run;
    QVERIFY(makeProject(session, dir, &run));
    // A run that never finished (no report.json) is not offered.
    const QString unfinished = dir.filePath(QStringLiteral("runs/run-2"));
    QDir().mkpath(unfinished);
    session.addRun(unfinished);
    tbui::ComparePage page(&bridge, &session);
    QCOMPARE(page.run(), QDir::cleanPath(run));
    QCOMPARE(page.runChooser()->count(), 1);
    QVERIFY2(page.runChooser()->currentText().startsWith(QStringLiteral("run-1 — ")), qPrintable(page.runChooser()->currentText()));

    auto* model = page.batch()->model();
    QCOMPARE(model->rowCount(), 3);
    QCOMPARE(model->columnCount(), 4);
    QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Prompt"));
    QCOMPARE(model->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Reference"));
    QCOMPARE(model->headerData(2, Qt::Horizontal).toString(), QStringLiteral("Base model"));
    QCOMPARE(model->headerData(3, Qt::Horizontal).toString(), QStringLiteral("Tuned model"));
    QCOMPARE(model->index(0, tbui::BatchCompareModel::Base).data().toString(),
             QStringLiteral("It is five."));
    QCOMPARE(model->index(2, tbui::BatchCompareModel::Prompt).data().toString(),
             QStringLiteral("Boiling point of water?"));

    page.batch()->showRow(0);
    const QString baseHtml = page.batch()->diff(0)->toHtml();
    QVERIFY2(baseHtml.contains(QStringLiteral("#c6efce")), qPrintable(baseHtml));  // "five." added
    QCOMPARE(page.batch()->diff(1)->toPlainText(), QStringLiteral("It is 4."));
    QVERIFY(!page.batch()->diff(1)->toHtml().contains(QStringLiteral("#c6efce")));  // all the same
    auto* scores = page.findChild<QLabel*>(QStringLiteral("batchScores"));
    QVERIFY(scores);
    QVERIFY2(scores->text().contains(QStringLiteral("tuned 1.00")), qPrintable(scores->text()));
    page.batch()->showRow(1);
    QVERIFY2(page.batch()->diff(1)->toPlainText().contains(QStringLiteral("<b>one</b>")),
             qPrintable(page.batch()->diff(1)->toPlainText()));

    // A run that answered nothing: an empty table that says why.
    const QString empty = makeRun(dir.path(), QStringLiteral("run-3"), {});
    session.addRun(empty);
    QCOMPARE(page.runChooser()->count(), 2);
    QVERIFY(page.runChooser()->itemText(0).startsWith(QStringLiteral("run-3 — ")));  // newest first
    page.setRun(empty);
    QCOMPARE(model->rowCount(), 0);
    auto* emptyLabel = page.findChild<QLabel*>(QStringLiteral("batchEmpty"));
    QVERIFY(emptyLabel && !emptyLabel->isHidden());
    QVERIFY2(emptyLabel->text().contains(QStringLiteral("answered no test prompts")),
             qPrintable(emptyLabel->text()));
  }

  void chatFillsBothPanesFromItsJobOnly() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString run;
    QVERIFY(makeProject(session, dir, &run));
    tbui::ComparePage page(&bridge, &session);
    QCOMPARE(page.chat()->leftTitle(), QStringLiteral("Base model"));
    QCOMPARE(page.chat()->rightTitle(), QStringLiteral("Tuned (run-1)"));

    tbui::JobHandle job7(7), job8(8);  // job 8 is not this panel's
    page.chat()->watchJob(&job7, QStringLiteral("Why is the sky blue?"));
    QVERIFY(page.chat()->busy());
    QVERIFY(!page.findChild<QPushButton*>(QStringLiteral("send"))->isEnabled());
    QVERIFY(page.findChild<QPushButton*>(QStringLiteral("stop"))->isEnabled());
    Q_EMIT job8.chatToken(0, QStringLiteral("OTHER JOB"));
    Q_EMIT job8.chatToken(1, QStringLiteral("OTHER JOB"));
    answerTurn(job7, QStringLiteral("Rayleigh scattering."),
               QStringLiteral("Blue light scatters."));
    QVERIFY(!page.chat()->busy());
    QVERIFY(page.findChild<QPushButton*>(QStringLiteral("send"))->isEnabled());
    QVERIFY2(page.chat()->baseText().contains(QStringLiteral("Why is the sky blue?\nRayleigh scattering.")),
             qPrintable(page.chat()->baseText()));
    QVERIFY2(page.chat()->tunedText().contains(QStringLiteral("Blue light scatters.")),
             qPrintable(page.chat()->tunedText()));
    QVERIFY(!page.chat()->baseText().contains(QStringLiteral("OTHER")));
    QVERIFY(!page.chat()->tunedText().contains(QStringLiteral("OTHER")));
    QVERIFY(!page.chat()->baseText().contains(QStringLiteral("Blue light")));
    QCOMPARE(page.chat()->statusText(0), QStringLiteral("12.5 tok/s · stopped at end of turn"));
    QCOMPARE(page.chat()->statusText(1), QStringLiteral("8.0 tok/s · stopped at the token limit"));

    // The next turn goes below the first; a failed job says why in place.
    tbui::JobHandle job9(9);
    page.chat()->watchJob(&job9, QStringLiteral("And at sunset?"));
    Q_EMIT job9.chatToken(0, QStringLiteral("Red"));
    Q_EMIT job9.ended(tbui::JobEnd::Failed, QStringLiteral("the run has no weights"));
    QVERIFY(!page.chat()->busy());
    QVERIFY2(page.chat()->errorText().contains(QStringLiteral("the run has no weights")),
             qPrintable(page.chat()->errorText()));
    QVERIFY(page.chat()->baseText().contains(QStringLiteral("Rayleigh scattering.")));
    QVERIFY(page.chat()->baseText().contains(QStringLiteral("And at sunset?\nRed")));

    page.chat()->newConversation();
    QVERIFY(page.chat()->baseText().isEmpty() && page.chat()->tunedText().isEmpty());
    QVERIFY(page.chat()->errorText().isEmpty());
  }

  void withoutARunOnlyTheBaseAnswers() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}));
    tbui::ComparePage page(&bridge, &session);
    QVERIFY(page.run().isEmpty());
    QVERIFY(!page.runChooser()->isEnabled());
    auto* right = page.findChild<QTextBrowser*>(QStringLiteral("rightPane"));
    QVERIFY(right && right->placeholderText().contains(QStringLiteral("Train a run to compare")));
    page.chat()->setBlind(true);
    QVERIFY(!page.chat()->blind());  // nothing to compare blind
    tbui::JobHandle job3(3);
    page.chat()->watchJob(&job3, QStringLiteral("Hello?"));
    Q_EMIT job3.chatToken(1, QStringLiteral("TUNED"));
    Q_EMIT job3.chatToken(0, QStringLiteral("Hi."));
    Q_EMIT job3.chatFinished(0, QStringLiteral("Hi."), QStringLiteral("eos"), 30);
    QVERIFY(!page.chat()->busy());  // one side was all there was to wait for
    QVERIFY(page.chat()->baseText().contains(QStringLiteral("Hi.")));
    QVERIFY(right->toPlainText().isEmpty());
  }

  void blindVotesAreStoredThroughTheShuffle() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString run;
    QVERIFY(makeProject(session, dir, &run));
    tbui::ComparePage page(&bridge, &session);
    page.chat()->setShuffleSeed(1);  // the same shuffle every time the test runs
    page.chat()->setBlind(true);
    QVERIFY(page.chat()->blind());
    QVERIFY2(page.chat()->tallyText().contains(QStringLiteral("No votes")), qPrintable(page.chat()->tallyText()));
    int base = 0, tuned = 0, leftWasBase = 0;
    for (int i = 0; i < 12; ++i) {
      tbui::JobHandle job(100 + i);
      const QString prompt = QStringLiteral("Question %1").arg(i);
      page.chat()->watchJob(&job, prompt);
      answerTurn(job, QStringLiteral("BASE-%1").arg(i), QStringLiteral("TUNED-%1").arg(i));
      QCOMPARE(page.chat()->leftTitle(), QStringLiteral("Answer A"));
      QCOMPARE(page.chat()->rightTitle(), QStringLiteral("Answer B"));
      QVERIFY(page.chat()->revealText().isEmpty());
      QCOMPARE(page.chat()->statusText(0), QStringLiteral("Done."));  // speeds would tell the models apart
      const QString left = paneText(page, "leftPane");
      const QString right = paneText(page, "rightPane");
      QVERIFY2(!left.contains(QStringLiteral("Question %1").arg(i - 1)),
               qPrintable(left));  // one turn
      const bool baseOnLeft = left.contains(QStringLiteral("BASE-%1").arg(i));
      QCOMPARE(right.contains(QStringLiteral("BASE-%1").arg(i)), !baseOnLeft);
      leftWasBase += baseOnLeft ? 1 : 0;
      const QString choice = i % 2 == 0 ? QStringLiteral("left") : QStringLiteral("right");
      page.chat()->vote(choice);
      const bool picksBase = (choice == QLatin1String("left")) == baseOnLeft;
      (picksBase ? base : tuned) += 1;
      const auto& votes = session.project().votes;
      QCOMPARE(int(votes.size()), i + 1);
      const tb::Vote& v = votes.back();
      QCOMPARE(QString::fromStdString(v.choice),
               picksBase ? QStringLiteral("base") : QStringLiteral("tuned"));
      QCOMPARE(QString::fromStdString(v.prompt), prompt);
      QCOMPARE(QString::fromStdString(v.base), QStringLiteral("BASE-%1").arg(i));
      QCOMPARE(QString::fromStdString(v.tuned), QStringLiteral("TUNED-%1").arg(i));
      QCOMPARE(QDir::cleanPath(session.resolve(QString::fromStdString(v.run))),
               QDir::cleanPath(run));
      QVERIFY(QDateTime::fromString(QString::fromStdString(v.time), Qt::ISODate).isValid());
      QVERIFY(QString::fromStdString(v.time).endsWith(QLatin1Char('Z')));
      // Revealed: the titles name the models.
      QCOMPARE(page.chat()->leftTitle(), baseOnLeft ? QStringLiteral("Answer A — Base model")
                                            : QStringLiteral("Answer A — Tuned (run-1)"));
      QVERIFY(page.chat()->revealText().contains(QStringLiteral("Vote saved")));
      QVERIFY2(page.chat()->statusText(0).contains(QStringLiteral("tok/s")),
               qPrintable(page.chat()->statusText(0)));
      page.chat()->vote(QStringLiteral("tie"));  // one vote per prompt
      QCOMPARE(int(session.project().votes.size()), i + 1);
    }
    QVERIFY2(leftWasBase > 0 && leftWasBase < 12, "the sides are shuffled");
    QCOMPARE(page.chat()->tallyText(),
             QStringLiteral("Votes for this run: tuned better %1 · base better %2 · tie 0")
                 .arg(tuned)
                 .arg(base));
    tbui::JobHandle job200(200);
    page.chat()->watchJob(&job200, QStringLiteral("Last"));
    answerTurn(job200, QStringLiteral("B"), QStringLiteral("T"));
    page.chat()->vote(QStringLiteral("tie"));
    QVERIFY(page.chat()->tallyText().endsWith(QStringLiteral("tie 1")));
  }

  void aCorrectedAnswerBecomesAnExample() {
    QTemporaryDir dir;
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QString run;
    QVERIFY(makeProject(session, dir, &run));
    tbui::ComparePage page(&bridge, &session);
    std::vector<tb::data::Example> sent;
    connect(&page, &tbui::ComparePage::exampleCorrected, this,
            [&sent](const tb::data::Example& e) { sent.push_back(e); });
    tbui::JobHandle job20(20);
    page.chat()->watchJob(&job20, QStringLiteral("Capital of France?"));
    answerTurn(job20, QStringLiteral("Paris, I think."), QStringLiteral("Lyon."));
    page.chat()->startCorrection();
    QPlainTextEdit* editor = page.chat()->correctionEditor();
    QVERIFY(editor->isVisibleTo(&page));
    QCOMPARE(editor->toPlainText(), QStringLiteral("Lyon."));
    editor->setPlainText(QStringLiteral("Paris."));
    page.chat()->addCorrection();
    QCOMPARE(int(sent.size()), 1);
    const tb::data::Example& e = sent.front();
    QCOMPARE(int(e.messages.size()), 2);
    QCOMPARE(QString::fromStdString(e.messages[0].role), QStringLiteral("user"));
    QCOMPARE(QString::fromStdString(e.messages[0].content), QStringLiteral("Capital of France?"));
    QCOMPARE(QString::fromStdString(e.messages[1].role), QStringLiteral("assistant"));
    QCOMPARE(QString::fromStdString(e.messages[1].content), QStringLiteral("Paris."));
    QCOMPARE(e.tags, std::vector<std::string>{"from-compare"});
    QVERIFY(!editor->isVisibleTo(&page));
    QVERIFY2(page.chat()->correctionNote().contains(QStringLiteral("Sent to the Data step")),
             qPrintable(page.chat()->correctionNote()));
  }
};

QTEST_MAIN(TestComparePage)
#include "test_compare_page.moc"
