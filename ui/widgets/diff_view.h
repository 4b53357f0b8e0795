// Word-level differences between two texts (a reference and an answer, say): wordDiff() lines
// the words up by their longest common subsequence, diffHtml() renders the result with inserted
// words on green and removed words struck through on red, and DiffView shows it. Pure functions
// first, so that tests need no widget; the widget only displays.
#pragma once

#include <QString>
#include <QTextBrowser>
#include <QVector>

namespace tbui {

// Above this many words on either side the comparison is skipped (the work grows with the
// product of the two lengths): the answer is shown without highlighting.
inline constexpr int kMaxDiffWords = 2000;

struct DiffPiece {
  enum class Kind { Same, Inserted, Removed };
  Kind kind = Kind::Same;
  QString word;   // one word (a run of non-space characters)
  QString space;  // the white space before it in its own text ("" at the start)
};

// The words of `to` against those of `from`: Same for words both share (in order), Removed for
// words only `from` has, Inserted for words only `to` has. Words compare exactly. When either
// text has more than kMaxDiffWords words, every word of `to` comes back as Same.
QVector<DiffPiece> wordDiff(const QString& from, const QString& to);
// True when wordDiff() compares these texts word by word (neither is too long).
bool wordDiffFits(const QString& from, const QString& to);
// An HTML fragment for a QTextBrowser or QLabel: each word escaped, inserted and removed words
// marked with colours that read on light and dark palettes, line breaks kept.
QString diffHtml(const QVector<DiffPiece>& pieces);
// wordDiff() then diffHtml(), with a note when the texts were too long to compare.
QString diffHtml(const QString& from, const QString& to);

// A read-only text view of `to`, with its word differences from `from` highlighted.
class DiffView : public QTextBrowser {
  Q_OBJECT

 public:
  explicit DiffView(QWidget* parent = nullptr);

  void setTexts(const QString& from, const QString& to);
  // Shows `text` as it is, without comparison (e.g. the reference itself, or an empty state).
  void setPlain(const QString& text);
};

}  // namespace tbui
