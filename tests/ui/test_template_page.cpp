// The Template step: a preset fills the editors, the preview shows the first rows token by
// token with the counts the trainer will see, an unknown column or a broken placeholder is a
// plain error, and through the main window the whole path works: a CSV that needs a template
// fails on the Data step, its columns reach the Template step, the template goes back and the
// data imports.
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>

#include "core/data/dataset_reader.h"
#include "core/data/tokenize_example.h"
#include "core/engine/locations.h"
#include "core/model/model_inspect.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/data/examples_model.h"
#include "ui/pages/template/template_page.h"
#include "tests/common/test_paths.h"

namespace {

const std::string kReviews = tb_test::source_dir() + "/tests/data/datasets/reviews.csv";

}  // namespace

class TestTemplatePage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void previewCountsWhatTheTrainerSees() {
    tbui::TemplatePage page;
    QSignalSpy loaded(&page, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(page.tokenizerReady() || loaded.wait(30000));
    const auto read = tb::data::read_dataset(kReviews);
    page.setSample({"review", "rating", "product"}, read.records);
    page.choosePreset(QStringLiteral("review_rating"));
    QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
    QVERIFY(page.applyButton()->isEnabled());
    // The same counts as tokenize_example on the same rendering.
    const auto demo = tb::Locations::from_environment().demo_model();
    const auto tokenizer = tb::load_model_tokenizer(demo);
    const auto format = tb::model_chat_format(demo, *tokenizer);
    const auto example = tb::data::apply_template(page.currentTemplate(), read.records[0], "");
    const auto tok = tb::data::tokenize_example(example, *tokenizer, format);
    const QString text = page.preview()->toPlainText();
    QVERIFY2(text.contains(QStringLiteral("Row at line 2 — %1 tokens, %2 trained").arg(tok.ids.size()).arg(tok.trained_count())),
             qPrintable(text.left(300)));
    QVERIFY(tok.trained_count() > 0 && tok.trained_count() < static_cast<std::int64_t>(tok.ids.size()));
    QVERIFY(page.preview()->toHtml().contains(QStringLiteral("#cdeccd")));  // trained tokens are marked
  }

  void unknownColumnsAndBrokenPlaceholdersArePlainErrors() {
    tbui::TemplatePage page;
    const auto read = tb::data::read_dataset(kReviews);
    page.setSample({"review", "rating", "product"}, read.records);
    page.setTexts({}, QStringLiteral("Summarise {{document}}"), QStringLiteral("{{rating}}"));
    QCOMPARE(page.errorText(), QStringLiteral("document: the template names the column \"document\", which the data "
                                              "does not have; its columns are: review, rating, product"));
    QVERIFY(!page.applyButton()->isEnabled());
    page.setTexts({}, QStringLiteral("Rate {{review"), QStringLiteral("{{rating}}"));
    QVERIFY2(page.errorText().contains(QStringLiteral("never closed with }}")), qPrintable(page.errorText()));
    QVERIFY(!page.applyButton()->isEnabled());
  }

  void fromDataToTemplateAndBack() {
    tbui::EngineBridge bridge;
    tbui::MainWindow window(&bridge);
    window.resize(1440, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* data = window.findChild<tbui::DataPage*>();
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QVERIFY(data && templates);
    QSignalSpy done(data, &tbui::DataPage::importFinished);
    data->openFile(QString::fromStdString(kReviews));
    QVERIFY(done.wait(30000));
    QCOMPARE(done.takeFirst().front().toBool(), false);  // these columns need a template
    window.showStep(2);
    QSignalSpy loaded(templates, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(templates->tokenizerReady() || loaded.wait(30000));
    templates->choosePreset(QStringLiteral("review_rating"));
    QVERIFY(templates->errorText().isEmpty());
    QTest::mouseClick(templates->applyButton(), Qt::LeftButton);
    QVERIFY(done.wait(30000));
    QCOMPARE(done.takeFirst().front().toBool(), true);
    QCOMPARE(window.currentStep(), 1);
    QCOMPARE(data->examplesModel()->rowCount(), 4);
  }
};

QTEST_MAIN(TestTemplatePage)
#include "test_template_page.moc"
