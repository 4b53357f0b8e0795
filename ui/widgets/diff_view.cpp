// Word diff and DiffView (see diff_view.h).
#include "ui/widgets/diff_view.h"

#include "ui/widgets/model_text.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tbui {
namespace {

// Dark text on a pale background: readable whatever the palette's own colours are.
const QString kInsertedStyle = QStringLiteral("background-color:#c6efce;color:#0b3d0b");
const QString kRemovedStyle =
    QStringLiteral("background-color:#ffc7ce;color:#7a0b0b;text-decoration:line-through");

struct Word {
  QString text;
  QString space;
};

QVector<Word> splitWords(const QString& text) {
  QVector<Word> words;
  QString space;
  QString word;
  for (const QChar c : text) {
    if (c.isSpace()) {
      if (!word.isEmpty()) {
        words.push_back({word, space});
        word.clear();
        space.clear();
      }
      space += c;
    } else {
      word += c;
    }
  }
  if (!word.isEmpty()) words.push_back({word, space});
  return words;
}

// A word (never white space) as HTML, control characters shown as U+FFFD (model_text.h).
QString visibleText(const QString& word) { return visibleModelText(word).toHtmlEscaped(); }

// White space between words: each line break kept, any other run becomes one space.
QString spaceHtml(const QString& space, bool first) {
  if (space.isEmpty() || first) return {};
  const int breaks = space.count(QLatin1Char('\n'));
  if (breaks == 0) return QStringLiteral(" ");
  QString out;
  for (int i = 0; i < breaks; ++i) out += QStringLiteral("<br>");
  return out;
}

}  // namespace

bool wordDiffFits(const QString& from, const QString& to) {
  return splitWords(from).size() <= kMaxDiffWords && splitWords(to).size() <= kMaxDiffWords;
}

QVector<DiffPiece> wordDiff(const QString& from, const QString& to) {
  const QVector<Word> a = splitWords(from);
  const QVector<Word> b = splitWords(to);
  QVector<DiffPiece> out;
  if (a.size() > kMaxDiffWords || b.size() > kMaxDiffWords) {
    for (const Word& w : b) out.push_back({DiffPiece::Kind::Same, w.text, w.space});
    return out;
  }
  // 1. The common head and tail need no table.
  qsizetype head = 0;
  while (head < a.size() && head < b.size() && a[head].text == b[head].text) ++head;
  qsizetype tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail].text == b[b.size() - 1 - tail].text) {
    ++tail;
  }
  for (qsizetype i = 0; i < head; ++i)
    out.push_back({DiffPiece::Kind::Same, b[i].text, b[i].space});

  // 2. lcs[i][j]: the longest common subsequence of a[i..] and b[j..] in the middle part
  //    (at most 2001 x 2001 cells of 16 bits).
  const qsizetype n = a.size() - head - tail;
  const qsizetype m = b.size() - head - tail;
  const auto width = static_cast<std::size_t>(m + 1);
  std::vector<std::uint16_t> lcs(static_cast<std::size_t>(n + 1) * width, 0);
  auto at = [&](qsizetype i, qsizetype j) -> std::uint16_t& {
    return lcs[static_cast<std::size_t>(i) * width + static_cast<std::size_t>(j)];
  };
  for (qsizetype i = n - 1; i >= 0; --i) {
    for (qsizetype j = m - 1; j >= 0; --j) {
      at(i, j) = a[head + i].text == b[head + j].text
                     ? static_cast<std::uint16_t>(at(i + 1, j + 1) + 1)
                     : std::max(at(i + 1, j), at(i, j + 1));
    }
  }

  // 3. Walk forward: shared words are Same; otherwise the removal first, then the insertion.
  qsizetype i = 0;
  qsizetype j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[head + i].text == b[head + j].text) {
      out.push_back({DiffPiece::Kind::Same, b[head + j].text, b[head + j].space});
      ++i;
      ++j;
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({DiffPiece::Kind::Removed, a[head + i].text, a[head + i].space});
      ++i;
    } else {
      out.push_back({DiffPiece::Kind::Inserted, b[head + j].text, b[head + j].space});
      ++j;
    }
  }
  for (qsizetype k = b.size() - tail; k < b.size(); ++k) {
    out.push_back({DiffPiece::Kind::Same, b[k].text, b[k].space});
  }
  return out;
}

QString diffHtml(const QVector<DiffPiece>& pieces) {
  QString out;
  bool spanOpen = false;
  DiffPiece::Kind open = DiffPiece::Kind::Same;
  for (qsizetype k = 0; k < pieces.size(); ++k) {
    const DiffPiece& p = pieces[k];
    const QString space = spaceHtml(p.space, k == 0);
    if (spanOpen && p.kind == open) {
      out += space;  // a run of the same kind shares one span
    } else {
      if (spanOpen) out += QStringLiteral("</span>");
      spanOpen = false;
      out += space;
      if (p.kind != DiffPiece::Kind::Same) {
        out += QStringLiteral("<span style=\"%1\">")
                   .arg(p.kind == DiffPiece::Kind::Inserted ? kInsertedStyle : kRemovedStyle);
        spanOpen = true;
        open = p.kind;
      }
    }
    out += visibleText(p.word);
  }
  if (spanOpen) out += QStringLiteral("</span>");
  return out;
}

QString diffHtml(const QString& from, const QString& to) {
  QString note;
  if (!wordDiffFits(from, to)) {
    note = QStringLiteral("<p style=\"color:#808080\">%1</p>")
               .arg(QObject::tr("Too long to compare word by word (over %1 words): shown without "
                                "highlighting.")
                        .arg(kMaxDiffWords));
  }
  return note + diffHtml(wordDiff(from, to));
}

DiffView::DiffView(QWidget* parent) : QTextBrowser(parent) {
  setOpenLinks(false);
  setReadOnly(true);
}

void DiffView::setTexts(const QString& from, const QString& to) { setHtml(diffHtml(from, to)); }

void DiffView::setPlain(const QString& text) { setPlainText(text); }

}  // namespace tbui
