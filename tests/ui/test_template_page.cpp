// The Template step: a preset fills the editors, the preview shows the first rows token by
// token with the counts the trainer will see, an unknown column or a broken placeholder is a
// plain error, and through the main window the whole path works: a CSV that needs a template
// fails on the Data step, its columns reach the Template step, the template goes back and the
// data imports. The counts are the project's model's: a model chosen on the Model step or
// another project opened changes the tokenizer, a slower older load never overwrites a newer
// one, and a model without a tokenizer is a plain message.
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QThreadPool>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/data/dataset_reader.h"
#include "core/data/tokenize_example.h"
#include "core/engine/locations.h"
#include "core/model/model_inspect.h"
#include "core/text/byte_level.h"
#include "ui/bridge/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/pages/data/data_page.h"
#include "ui/pages/data/examples_model.h"
#include "ui/pages/model/model_page.h"
#include "ui/pages/template/template_page.h"
#include "ui/project/project_session.h"
#include "tests/common/test_paths.h"

namespace {

const std::string kReviews = tb_test::source_dir() + "/tests/data/datasets/reviews.csv";

// ChatML, word for word as chat_format.cpp knows it.
const char* const kChatML =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
    "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
    "{% endif %}";

// A Hugging Face-style folder with only a tokenizer, unlike the demo's: byte-level BPE without
// merges (one token per byte) plus ChatML's two special tokens.
QString writeByteTokenizerFolder(const QString& folder) {
  QDir().mkpath(folder);
  nlohmann::json vocab = nlohmann::json::object();
  for (int b = 0; b < 256; ++b) vocab[tb::byte_to_unicode(static_cast<unsigned char>(b))] = b;
  nlohmann::json added = nlohmann::json::array();
  for (const auto& [id, text] : {std::pair{256, "<|im_start|>"}, std::pair{257, "<|im_end|>"}}) {
    added.push_back({{"id", id}, {"content", text}, {"special", true}, {"lstrip", false}, {"rstrip", false},
                     {"single_word", false}, {"normalized", false}});
  }
  const nlohmann::json tokenizer = {
      {"version", "1.0"},
      {"added_tokens", added},
      {"normalizer", nullptr},
      {"pre_tokenizer",
       {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}},
      {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", nlohmann::json::array()}}}};
  const nlohmann::json config = {{"eos_token", "<|im_end|>"}, {"add_bos_token", false}, {"chat_template", kChatML}};
  std::ofstream(QDir(folder).filePath(QStringLiteral("tokenizer.json")).toStdString()) << tokenizer.dump();
  std::ofstream(QDir(folder).filePath(QStringLiteral("tokenizer_config.json")).toStdString()) << config.dump();
  return folder;
}

// What core counts for the first record under `t` with the model at `path`: the preview's line.
QString coreCounts(const std::filesystem::path& path, const tb::data::PromptTemplate& t, const tb::data::Record& record,
                   std::size_t* tokens = nullptr) {
  const auto tokenizer = tb::load_model_tokenizer(path);
  const auto format = tb::model_chat_format(path, *tokenizer);
  const auto tok = tb::data::tokenize_example(tb::data::apply_template(t, record, ""), *tokenizer, format);
  if (tokens != nullptr) *tokens = tok.ids.size();
  return QStringLiteral("Row at line %1 — %2 tokens, %3 trained")
      .arg(record.line)
      .arg(tok.ids.size())
      .arg(tok.trained_count());
}

// Waits until the page has the tokenizer of `model` (or gave up with an error).
bool waitForTokenizer(tbui::TemplatePage& page, const QString& model) {
  return QTest::qWaitFor([&] { return page.tokenizerModel() == model || !page.tokenizerError().isEmpty(); }, 30000) &&
         page.tokenizerModel() == model;
}

}  // namespace

class TestTemplatePage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

  void previewCountsWhatTheTrainerSees() {
    tbui::ProjectSession session;  // none open: the demo model's tokenizer
    tbui::TemplatePage page(&session);
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
    tbui::ProjectSession session;
    tbui::TemplatePage page(&session);
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

  void countsUseTheProjectsModel() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString bytes = writeByteTokenizerFolder(dir.filePath(QStringLiteral("byte-model")));
    const QString demo = QString::fromStdString(tb::Locations::from_environment().existing_demo_model().string());
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("a/a.tbproj")), tb::Project{}));
    tbui::MainWindow window(&bridge, &session);
    auto* model = window.findChild<tbui::ModelPage*>();
    auto* templates = window.findChild<tbui::TemplatePage*>();
    QVERIFY(model && templates);
    const auto read = tb::data::read_dataset(kReviews);
    templates->setSample({"review", "rating", "product"}, read.records);
    templates->choosePreset(QStringLiteral("review_rating"));
    const auto t = templates->currentTemplate();
    auto preview = [&] { return templates->preview()->toPlainText(); };

    // 1. A new project names the demo model: its counts.
    QVERIFY(waitForTokenizer(*templates, demo));
    std::size_t demoTokens = 0, byteTokens = 0;
    const QString demoLine = coreCounts(demo.toStdString(), t, read.records[0], &demoTokens);
    QVERIFY2(preview().contains(demoLine), qPrintable(preview().left(300)));

    // 2. The user chooses another model on the Model step: the counts follow it.
    model->chooseModel(bytes);
    QVERIFY2(waitForTokenizer(*templates, bytes), qPrintable(templates->countsText()));
    const QString byteLine = coreCounts(bytes.toStdString(), t, read.records[0], &byteTokens);
    QVERIFY2(byteTokens != demoTokens, "the fixture's tokenizer must count differently from the demo's");
    QVERIFY2(preview().contains(byteLine), qPrintable(preview().left(300)));
    const QString counts = templates->countsText();
    QVERIFY2(counts.contains(QStringLiteral("tokenizer of byte-model")), qPrintable(counts));

    // 3. Another project opened (its model the demo), then the first again (the byte model).
    tb::Project other;
    other.file = dir.filePath(QStringLiteral("b/b.tbproj")).toStdString();
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("b"))));
    tb::save_project(other);
    const QString first = session.file();
    QVERIFY(session.open(QString::fromStdString(other.file.string())));
    QVERIFY(waitForTokenizer(*templates, demo));
    QVERIFY(preview().contains(demoLine));
    QVERIFY(templates->countsText().contains(QStringLiteral("tokenizer of ") + QFileInfo(demo).fileName()));
    QVERIFY(session.open(first));
    QVERIFY(waitForTokenizer(*templates, bytes));
    QVERIFY(preview().contains(byteLine));
    QThreadPool::globalInstance()->waitForDone();  // no load still reads in the folder about to go
  }

  void aSlowerOlderLoadNeverOverwritesANewerOne() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString bytes = writeByteTokenizerFolder(dir.filePath(QStringLiteral("byte-model")));
    tbui::EngineBridge bridge;
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}));
    tbui::ModelPage model(&bridge, &session);
    tbui::TemplatePage page(&session);
    const auto read = tb::data::read_dataset(kReviews);
    page.setSample({"review", "rating", "product"}, read.records);
    page.choosePreset(QStringLiteral("review_rating"));
    const QString byteLine = coreCounts(bytes.toStdString(), page.currentTemplate(), read.records[0]);
    QVERIFY(waitForTokenizer(page, QString::fromStdString(tb::Locations::from_environment().demo_model().string())));
    model.chooseModel(bytes);
    QVERIFY(waitForTokenizer(page, bytes));
    // The demo's tokenizer (49k tokens and their merges in a 98 MB GGUF) loads far slower than the
    // byte model's 258 tokens: chosen just before it, its result arrives last and must be dropped.
    model.chooseModel(QStringLiteral("demo"));
    model.chooseModel(bytes);
    QSignalSpy loaded(&page, &tbui::TemplatePage::tokenizerLoaded);
    QVERIFY(waitForTokenizer(page, bytes));
    QThreadPool::globalInstance()->waitForDone(30000);  // the demo's load has ended too
    QTest::qWait(100);                                  // and its result was delivered
    QCOMPARE(page.tokenizerModel(), bytes);
    const QString preview = page.preview()->toPlainText();
    QVERIFY2(preview.contains(byteLine), qPrintable(preview.left(300)));
    QCOMPARE(loaded.size(), 1);
  }

  void aModelWithoutATokenizerIsAPlainMessage() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString empty = dir.filePath(QStringLiteral("no-tokenizer"));
    QVERIFY(QDir().mkpath(empty));
    tbui::ProjectSession session;
    QVERIFY(session.create(dir.filePath(QStringLiteral("p.tbproj")), tb::Project{}));
    tbui::TemplatePage page(&session);
    session.update([&](tb::Project& p) { p.model = empty.toStdString(); });
    QVERIFY(QTest::qWaitFor([&] { return !page.tokenizerError().isEmpty(); }, 30000));
    QVERIFY(!page.tokenizerReady());
    const QString message = page.countsText();
    QVERIFY2(message.contains(empty) && message.contains(QStringLiteral("no tokenizer.json or tokenizer.model")) &&
                 message.contains(QStringLiteral("Model step")),
             qPrintable(message));
  }
};

QTEST_MAIN(TestTemplatePage)
#include "test_template_page.moc"
