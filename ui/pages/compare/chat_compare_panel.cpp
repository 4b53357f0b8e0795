// ChatComparePanel (see chat_compare_panel.h).
#include "ui/pages/compare/chat_compare_panel.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QTextBrowser>
#include <QTextCursor>
#include <QVBoxLayout>

#include "ui/bridge/engine_bridge.h"
#include "ui/pages/compare/compare_widgets.h"
#include "ui/project/project_session.h"

namespace tbui {
namespace {

const QString kErrorStyle = QStringLiteral("color:#c62828");

QString stopText(const QString& reason) {
  if (reason == QLatin1String("eos")) return QObject::tr("stopped at end of turn");
  if (reason == QLatin1String("stop_string")) return QObject::tr("stopped at a stop word");
  if (reason == QLatin1String("max_new_tokens")) return QObject::tr("stopped at the token limit");
  if (reason == QLatin1String("cancelled")) return QObject::tr("stopped by you");
  return reason;
}

}  // namespace

ChatComparePanel::ChatComparePanel(EngineBridge* bridge, ProjectSession* session, QWidget* parent)
    : QWidget(parent),
      bridge_(bridge),
      session_(session),
      shuffleSeed_(QRandomGenerator::global()->generate()),
      shuffle_(shuffleSeed_) {
  setObjectName(QStringLiteral("chatComparePanel"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 6, 0, 0);

  // 1. Sampling settings, applied to both models, and blind mode.
  const tb::ChatSampling defaults;
  auto* settings = new QHBoxLayout;
  auto add = [&](const QString& label, QWidget* box, const QString& tip) {
    box->setToolTip(tip);
    settings->addWidget(new QLabel(label, this));
    settings->addWidget(box);
  };
  auto real = [&](double low, double high, double step, double value) {
    auto* box = new QDoubleSpinBox(this);
    box->setRange(low, high);
    box->setSingleStep(step);
    box->setValue(value);
    return box;
  };
  auto whole = [&](int low, int high, std::int64_t value) {
    auto* box = new QSpinBox(this);
    box->setRange(low, high);
    box->setValue(static_cast<int>(value));
    return box;
  };
  temperature_ = real(0, 2, 0.1, defaults.temperature);
  add(tr("Temperature"), temperature_,
      tr("0 always picks the likeliest word (the same answer every time); higher is more varied"));
  topP_ = real(0.05, 1, 0.05, defaults.top_p);
  add(tr("Top-p"), topP_,
      tr("Pick only among the likeliest words that together make up this share (1 = off)"));
  topK_ = whole(0, 1000, defaults.top_k);
  topK_->setSpecialValueText(tr("off"));
  add(tr("Top-k"), topK_, tr("Pick only among this many likeliest words (off = no limit)"));
  maxTokens_ = whole(1, 8192, defaults.max_new_tokens);
  add(tr("Max new tokens"), maxTokens_, tr("The longest answer, in tokens"));
  seed_ = whole(0, 1 << 30, static_cast<std::int64_t>(defaults.seed));
  add(tr("Seed"), seed_, tr("The same seed and settings give the same answers"));
  settings->addSpacing(16);
  blindBox_ = new QCheckBox(tr("Blind test"), this);
  blindBox_->setObjectName(QStringLiteral("blind"));
  blindBox_->setToolTip(
      tr("Show the answers as A and B in a random order and vote for the better "
         "one before you learn which model wrote it"));
  settings->addWidget(blindBox_);
  settings->addStretch(1);
  layout->addLayout(settings);

  // 2. The two panes, each with its title and its speed and stop reason below.
  auto* panes = new QHBoxLayout;
  for (int p = 0; p < 2; ++p) {
    const QString side = p == 0 ? QStringLiteral("left") : QStringLiteral("right");
    auto* column = new QVBoxLayout;
    titles_[p] = plainLabel(this, side + QStringLiteral("Title"));
    QFont bold = titles_[p]->font();
    bold.setBold(true);
    titles_[p]->setFont(bold);
    panes_[p] = new QTextBrowser(this);
    panes_[p]->setObjectName(side + QStringLiteral("Pane"));
    panes_[p]->setOpenLinks(false);
    status_[p] = plainLabel(this, side + QStringLiteral("Status"));
    column->addWidget(titles_[p]);
    column->addWidget(panes_[p], 1);
    column->addWidget(status_[p]);
    panes->addLayout(column, 1);
  }
  layout->addLayout(panes, 1);

  // 3. Under the panes: editing the tuned answer (inline), the blind vote, errors.
  edit_ = namedButton(this, tr("Edit the tuned answer and add it to the dataset"),
                      QStringLiteral("editAnswer"));
  edit_->setToolTip(
      tr("Correct what the tuned model said; the prompt and your answer become a "
         "new training example on the Data step"));
  layout->addWidget(edit_, 0, Qt::AlignRight);
  correctionPanel_ = new QWidget(this);
  auto* correctionLayout = new QGridLayout(correctionPanel_);
  correctionLayout->setContentsMargins(0, 0, 0, 0);
  correctionLayout->addWidget(
      new QLabel(tr("Write the answer the model should have given:"), correctionPanel_), 0, 0, 1,
      3);
  correction_ = new QPlainTextEdit(correctionPanel_);
  correction_->setObjectName(QStringLiteral("correctionEditor"));
  correction_->setFixedHeight(6 * fontMetrics().lineSpacing() + 12);
  correctionLayout->addWidget(correction_, 1, 0, 1, 3);
  auto* cancelCorrection =
      namedButton(correctionPanel_, tr("Cancel"), QStringLiteral("cancelEdit"));
  auto* addToData = namedButton(correctionPanel_, tr("Add to data"), QStringLiteral("addToData"));
  correctionLayout->setColumnStretch(0, 1);
  correctionLayout->addWidget(cancelCorrection, 2, 1);
  correctionLayout->addWidget(addToData, 2, 2);
  correctionPanel_->setVisible(false);
  layout->addWidget(correctionPanel_);
  note_ = plainLabel(this, QStringLiteral("correctionNote"));
  layout->addWidget(note_);

  voteRow_ = new QWidget(this);
  auto* voteLayout = new QHBoxLayout(voteRow_);
  voteLayout->setContentsMargins(0, 0, 0, 0);
  voteLeft_ = namedButton(voteRow_, tr("A is better"), QStringLiteral("voteLeft"));
  voteRight_ = namedButton(voteRow_, tr("B is better"), QStringLiteral("voteRight"));
  voteTie_ = namedButton(voteRow_, tr("Tie"), QStringLiteral("voteTie"));
  reveal_ = plainLabel(voteRow_, QStringLiteral("reveal"));
  for (QWidget* w : std::initializer_list<QWidget*>{voteLeft_, voteRight_, voteTie_}) {
    voteLayout->addWidget(w);
  }
  voteLayout->addWidget(reveal_, 1);
  voteRow_->setVisible(false);
  layout->addWidget(voteRow_);
  tally_ = plainLabel(this, QStringLiteral("tally"));
  layout->addWidget(tally_);
  error_ = plainLabel(this, QStringLiteral("chatError"));
  error_->setStyleSheet(kErrorStyle);
  error_->setVisible(false);
  layout->addWidget(error_);

  // 4. The prompt, Send (Ctrl+Return), Stop, New conversation.
  auto* promptRow = new QGridLayout;
  promptBox_ = new QPlainTextEdit(this);
  promptBox_->setObjectName(QStringLiteral("promptBox"));
  promptBox_->setPlaceholderText(tr("Ask both models something — Ctrl+Return sends"));
  promptBox_->setFixedHeight(3 * fontMetrics().lineSpacing() + 12);
  send_ = namedButton(this, tr("Send"), QStringLiteral("send"));
  send_->setToolTip(tr("Send to both models (Ctrl+Return)"));
  stop_ = namedButton(this, tr("Stop"), QStringLiteral("stop"));
  newConversation_ = namedButton(this, tr("New conversation"), QStringLiteral("newConversation"));
  promptRow->addWidget(promptBox_, 0, 0, 3, 1);
  promptRow->addWidget(send_, 0, 1);
  promptRow->addWidget(stop_, 1, 1);
  promptRow->addWidget(newConversation_, 2, 1);
  promptRow->setColumnStretch(0, 1);
  layout->addLayout(promptRow);

  auto sendFromBox = [this] {
    if (busy() || promptBox_->toPlainText().trimmed().isEmpty()) return;
    const QString text = promptBox_->toPlainText();
    promptBox_->clear();
    sendPrompt(text);
  };
  for (const auto key : {Qt::Key_Return, Qt::Key_Enter}) {
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | key), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, sendFromBox);
  }
  connect(send_, &QPushButton::clicked, this, sendFromBox);
  connect(stop_, &QPushButton::clicked, this, &ChatComparePanel::stop);
  connect(newConversation_, &QPushButton::clicked, this, &ChatComparePanel::newConversation);
  connect(blindBox_, &QCheckBox::toggled, this, &ChatComparePanel::setBlind);
  connect(voteLeft_, &QPushButton::clicked, this, [this] { vote(QStringLiteral("left")); });
  connect(voteRight_, &QPushButton::clicked, this, [this] { vote(QStringLiteral("right")); });
  connect(voteTie_, &QPushButton::clicked, this, [this] { vote(QStringLiteral("tie")); });
  connect(edit_, &QPushButton::clicked, this, &ChatComparePanel::startCorrection);
  connect(addToData, &QPushButton::clicked, this, &ChatComparePanel::addCorrection);
  connect(cancelCorrection, &QPushButton::clicked, this, [this] {
    correctionPanel_->setVisible(false);
    updateControls();
  });
  connect(session_, &ProjectSession::changed, this, &ChatComparePanel::updateTally);
  updateTitles();
  updateControls();
}

void ChatComparePanel::setRun(const QString& runDir) {
  if (busy()) stop();
  run_ = runDir;
  if (runDir.isEmpty() && blind_) setBlind(false);
  newConversation();
  updateTally();
}

QString ChatComparePanel::runName() const { return QDir(run_).dirName(); }

void ChatComparePanel::sendPrompt(const QString& text) {
  if (busy() || text.trimmed().isEmpty()) return;
  tb::ChatRequest request;
  const std::string model = session_->project().model;
  request.model =
      model == "demo" ? model : session_->resolve(QString::fromStdString(model)).toStdString();
  request.run_dir = run_.toStdString();
  // One request answers both sides from the same messages, so the conversation carries the base
  // model's earlier answers: the tuned model sees those turns too, not its own (a
  // simplification; a blind test asks each prompt afresh). "New conversation" starts over.
  if (blind_) history_.clear();
  request.messages = history_;
  request.messages.push_back({"user", text.toStdString()});
  request.sampling = sampling();
  watchJob(bridge_->startChat(request), text);
}

void ChatComparePanel::watchJob(JobHandle* job, const QString& prompt) {
  if (blind_) {
    for (QTextBrowser* pane : panes_) pane->clear();
    swapped_ = shuffle_.bounded(2) == 1;
    voted_ = false;
    reveal_->clear();
  }
  releaseJob(job_, this);
  job_ = job;
  connect(job, &JobHandle::chatToken, this, &ChatComparePanel::onToken);
  connect(job, &JobHandle::chatFinished, this, &ChatComparePanel::onFinished);
  connect(job, &JobHandle::ended, this, &ChatComparePanel::onEnded);
  prompt_ = prompt;
  sides_ = run_.isEmpty() ? 1 : 2;
  text_ = {};
  stats_ = {};
  done_ = {};
  correctionPanel_->setVisible(false);
  note_->clear();
  error_->setVisible(false);
  for (int side = 0; side < sides_; ++side) {
    appendToPane(paneOf(side), prompt, true);
    status_[paneOf(side)]->setText(tr("Writing…"));
  }
  updateTitles();
  updateControls();
}

void ChatComparePanel::appendToPane(int pane, const QString& text, bool user) {
  QTextBrowser* view = panes_[pane];
  QScrollBar* bar = view->verticalScrollBar();
  const bool atEnd = bar->value() >= bar->maximum() - 4;
  QTextCursor cursor(view->document());
  cursor.movePosition(QTextCursor::End);
  QTextCharFormat format;
  if (user) {
    format.setFontWeight(QFont::Bold);
    if (!view->document()->isEmpty()) cursor.insertText(QStringLiteral("\n\n"), format);
    cursor.insertText(tr("You: ") + visibleModelText(text) + QLatin1Char('\n'), format);
  } else {
    cursor.insertText(visibleModelText(text), format);
  }
  if (atEnd) bar->setValue(bar->maximum());
}

void ChatComparePanel::onToken(int side, const QString& text) {
  if (side < 0 || side >= sides_ || done_[side]) return;
  text_[side] += text;
  appendToPane(paneOf(side), text);
}

void ChatComparePanel::onFinished(int side, const QString& text, const QString& stopReason,
                                  double tokensPerS) {
  if (side < 0 || side >= sides_ || done_[side]) return;
  if (text_[side].isEmpty() && !text.isEmpty()) appendToPane(paneOf(side), text);
  text_[side] = text;
  done_[side] = true;
  stats_[side] = tr("%1 tok/s · %2").arg(QString::number(tokensPerS, 'f', 1), stopText(stopReason));
  // Speeds differ between the models: a blind test shows them only after the vote.
  status_[paneOf(side)]->setText(blind_ ? tr("Done.") : stats_[side]);
  if (side == 0) {
    history_.push_back({"user", prompt_.toStdString()});
    history_.push_back({"assistant", text.toStdString()});
  }
  if (done_[0] && (sides_ == 1 || done_[1])) endTurn();
}

void ChatComparePanel::onEnded(JobEnd how, const QString& message) {
  const bool failed = how == JobEnd::Failed;
  if (failed) {
    error_->setText(tr("The models could not answer: %1").arg(message));
    error_->setVisible(true);
  }
  for (int side = 0; side < sides_; ++side) {
    if (done_[side]) continue;
    status_[paneOf(side)]->setText(failed ? tr("No answer: the chat failed (see below).")
                                          : tr("Stopped."));
  }
  endTurn();  // failed, cancelled or finished
}

void ChatComparePanel::endTurn() {
  releaseJob(job_, this);
  updateControls();
}

void ChatComparePanel::stop() {
  if (!busy()) return;
  job_->cancel();
  for (int side = 0; side < sides_; ++side) {
    if (!done_[side]) status_[paneOf(side)]->setText(tr("Stopping…"));
  }
}

void ChatComparePanel::newConversation() {
  if (busy()) stop();
  releaseJob(job_, this);
  history_.clear();
  prompt_.clear();
  text_ = {};
  stats_ = {};
  done_ = {};
  voted_ = false;
  swapped_ = false;
  for (int p = 0; p < 2; ++p) {
    panes_[p]->clear();
    status_[p]->clear();
  }
  reveal_->clear();
  error_->setVisible(false);
  correctionPanel_->setVisible(false);
  note_->clear();
  updateTitles();
  updateControls();
}

QString ChatComparePanel::baseText() const { return panes_[paneOf(0)]->toPlainText(); }
QString ChatComparePanel::tunedText() const {
  return run_.isEmpty() ? QString() : panes_[paneOf(1)]->toPlainText();
}
QString ChatComparePanel::leftTitle() const { return titles_[0]->text(); }
QString ChatComparePanel::rightTitle() const { return titles_[1]->text(); }
QString ChatComparePanel::statusText(int pane) const { return status_[pane == 0 ? 0 : 1]->text(); }
QString ChatComparePanel::errorText() const {
  return error_->isHidden() ? QString() : error_->text();
}
QString ChatComparePanel::revealText() const { return reveal_->text(); }
QString ChatComparePanel::correctionNote() const { return note_->text(); }

tb::ChatSampling ChatComparePanel::sampling() const {
  tb::ChatSampling s;
  s.temperature = temperature_->value();
  s.top_p = topP_->value();
  s.top_k = topK_->value();
  s.max_new_tokens = maxTokens_->value();
  s.seed = static_cast<std::uint64_t>(seed_->value());
  return s;
}

void ChatComparePanel::updateTitles() {
  const QString base = tr("Base model");
  const QString tuned = run_.isEmpty() ? tr("Tuned model") : tr("Tuned (%1)").arg(runName());
  if (blind_) {
    const bool shown = voted_;
    titles_[0]->setText(shown ? tr("Answer A — %1").arg(swapped_ ? tuned : base) : tr("Answer A"));
    titles_[1]->setText(shown ? tr("Answer B — %1").arg(swapped_ ? base : tuned) : tr("Answer B"));
  } else {
    titles_[0]->setText(base);
    titles_[1]->setText(tuned);
  }
  panes_[0]->setPlaceholderText(tr("Ask something below; the answers appear here."));
  panes_[1]->setPlaceholderText(
      run_.isEmpty() ? tr("Train a run to compare: the tuned model answers here once a run has "
                          "finished (Train step).")
                     : tr("Ask something below; the answers appear here."));
}

void ChatComparePanel::updateControls() {
  const bool answered = !prompt_.isEmpty() && !busy() && done_[0] && (sides_ == 1 || done_[1]);
  send_->setEnabled(!busy());
  stop_->setEnabled(busy());
  newConversation_->setEnabled(!busy());
  blindBox_->setEnabled(!busy() && !run_.isEmpty());
  voteRow_->setVisible(blind_);
  const bool canVote = blind_ && answered && sides_ == 2 && !voted_;
  for (QPushButton* b : {voteLeft_, voteRight_, voteTie_}) b->setEnabled(canVote);
  // Editing shows which answer is the tuned one: in a blind test, only after the vote.
  const bool canEdit = !run_.isEmpty() && answered && sides_ == 2 && (!blind_ || voted_);
  edit_->setEnabled(canEdit && correctionPanel_->isHidden());
  Q_EMIT busyChanged(busy());
}

void ChatComparePanel::setBlind(bool on) {
  on = on && !run_.isEmpty();
  if (blindBox_->isChecked() != on) {
    const QSignalBlocker block(blindBox_);
    blindBox_->setChecked(on);
  }
  if (on == blind_) return;
  blind_ = on;
  newConversation();  // a blind test starts from clean panes
  updateTally();
}

void ChatComparePanel::vote(const QString& choice) {
  if (!blind_ || voted_ || busy() || sides_ != 2 || !done_[0] || !done_[1]) return;
  QString side;
  if (choice == QLatin1String("left")) {
    side = swapped_ ? QStringLiteral("tuned") : QStringLiteral("base");
  } else if (choice == QLatin1String("right")) {
    side = swapped_ ? QStringLiteral("base") : QStringLiteral("tuned");
  } else if (choice == QLatin1String("tie")) {
    side = QStringLiteral("tie");
  } else {
    return;
  }
  // The run as the project lists it (relative or not), so votes stay with the run.
  std::string run = run_.toStdString();
  for (const std::string& r : session_->project().runs) {
    if (QDir::cleanPath(session_->resolve(QString::fromStdString(r))) == run_) run = r;
  }
  session_->addVote(tb::Vote{run, prompt_.toStdString(), text_[0].toStdString(),
                             text_[1].toStdString(), side.toStdString(),
                             QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString()});
  voted_ = true;
  for (int s = 0; s < 2; ++s) status_[paneOf(s)]->setText(stats_[s]);
  const QString a = swapped_ ? tr("the tuned model") : tr("the base model");
  const QString b = swapped_ ? tr("the base model") : tr("the tuned model");
  reveal_->setText(tr("Answer A was %1, answer B %2. Vote saved.").arg(a, b));
  updateTitles();
  updateControls();
  updateTally();
}

QString ChatComparePanel::tallyText() const { return tally_->text(); }

void ChatComparePanel::updateTally() {
  if (run_.isEmpty()) {
    tally_->clear();
    return;
  }
  int base = 0, tuned = 0, tie = 0;
  for (const tb::Vote& v : session_->project().votes) {
    if (QDir::cleanPath(session_->resolve(QString::fromStdString(v.run))) != run_) continue;
    if (v.choice == "base") ++base;
    if (v.choice == "tuned") ++tuned;
    if (v.choice == "tie") ++tie;
  }
  if (base + tuned + tie == 0) {
    tally_->setText(blind_ ? tr("No votes for this run yet.") : QString());
  } else {
    tally_->setText(tr("Votes for this run: tuned better %1 · base better %2 · tie %3")
                        .arg(tuned)
                        .arg(base)
                        .arg(tie));
  }
}

void ChatComparePanel::startCorrection() {
  if (run_.isEmpty() || text_[1].isEmpty() || busy()) {
    note_->setText(tr("No tuned answer to edit yet: send a prompt first."));
    return;
  }
  if (blind_ && !voted_) {
    note_->setText(tr("Vote first: editing would show which answer is the tuned one."));
    return;
  }
  correction_->setPlainText(text_[1]);
  correctionPanel_->setVisible(true);
  correction_->setFocus();
  note_->clear();
  updateControls();
}

void ChatComparePanel::addCorrection() {
  if (correctionPanel_->isHidden()) return;
  const QString answer = correction_->toPlainText().trimmed();
  if (answer.isEmpty()) {
    note_->setText(tr("The answer is empty: write the answer the model should give."));
    return;
  }
  tb::data::Example example;
  example.messages = {{"user", prompt_.toStdString()}, {"assistant", answer.toStdString()}};
  example.tags = {"from-compare"};
  Q_EMIT exampleCorrected(example);
  correctionPanel_->setVisible(false);
  note_->setText(
      tr("Sent to the Data step: the prompt and your answer are a new training example "
         "there. Save the data to keep it."));
  updateControls();
}

}  // namespace tbui
