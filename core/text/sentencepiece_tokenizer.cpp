// SentencePieceTokenizer (see sentencepiece_tokenizer.h).
#include "core/text/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <fstream>
#include <sstream>

#include "core/common/error.h"

namespace tb {
namespace {

// Reads a protobuf varint at `at`; false when it runs off the end or is too long.
bool read_varint(const std::string& s, std::size_t& at, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= s.size()) return false;
    const auto byte = static_cast<unsigned char>(s[at++]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void write_varint(std::string& out, std::uint64_t value) {
  do {
    unsigned char byte = value & 0x7F;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out += static_cast<char>(byte);
  } while (value != 0);
}

// Copies one field (tag already read) from `s` at `at` to `out`; false when malformed.
bool copy_field(const std::string& s, std::size_t& at, std::uint64_t tag, std::string& out) {
  const std::size_t start = at;
  std::uint64_t v = 0;
  switch (tag & 7) {
    case 0: if (!read_varint(s, at, v)) return false; break;
    case 1: if (s.size() - at < 8) return false; at += 8; break;
    case 2: if (!read_varint(s, at, v) || v > s.size() - at) return false; at += v; break;
    case 5: if (s.size() - at < 4) return false; at += 4; break;
    default: return false;
  }
  write_varint(out, tag);
  out.append(s, start, at - start);
  return true;
}

// A SentencePiece entry (ModelProto field 1) must have a non-empty piece without NUL bytes:
// libsentencepiece's trie builder throws on either from inside a path it cannot unwind, which
// ends the process (found by fuzz_sentencepiece). `at` points at the entry's length.
void check_piece(const std::string& model, std::size_t at, const std::string& source) {
  std::uint64_t len = 0;
  if (!read_varint(model, at, len) || len > model.size() - at) return;  // the caller reports it
  const std::string entry = model.substr(at, len);
  for (std::size_t i = 0; i < entry.size();) {
    std::uint64_t tag = 0, n = 0;
    if (!read_varint(entry, i, tag)) return;
    if (tag == ((1 << 3) | 2)) {
      if (!read_varint(entry, i, n) || n > entry.size() - i) return;
      // Every occurrence is checked: protobuf lets a later one replace an earlier one.
      const std::string_view piece(entry.data() + i, n);
      if (piece.empty() || piece.find('\0') != std::string_view::npos) {
        throw FormatError("a vocabulary piece is empty or contains a NUL byte; the model file is damaged", {source});
      }
      i += n;
      continue;
    }
    std::string skipped;
    if (!copy_field(entry, i, tag, skipped)) return;
  }
}

bool looks_like_tiktoken(const std::string& bytes) {
  // tiktoken files are lines "<base64> <rank>".
  const auto nl = bytes.find('\n');
  const std::string first = bytes.substr(0, nl == std::string::npos ? std::min<std::size_t>(bytes.size(), 200) : nl);
  const auto space = first.find(' ');
  if (space == std::string::npos || space == 0) return false;
  for (std::size_t i = space + 1; i < first.size(); ++i) {
    if (first[i] < '0' || first[i] > '9') return false;
  }
  return true;
}

}  // namespace

std::string without_dummy_prefix(const std::string& model, const std::string& source) {
  auto malformed = [&] { return FormatError("not a well-formed SentencePiece model (protobuf)", {source}); };
  std::string out;
  bool had_normalizer = false;
  for (std::size_t at = 0; at < model.size();) {
    std::uint64_t tag = 0;
    if (!read_varint(model, at, tag)) throw malformed();
    if (tag == ((1 << 3) | 2)) check_piece(model, at, source);  // leaves `at` where it was
    if (tag != ((3 << 3) | 2)) {
      if (!copy_field(model, at, tag, out)) throw malformed();
      continue;
    }
    // NormalizerSpec: copy every field but add_dummy_prefix, then add it as false.
    std::uint64_t len = 0;
    if (!read_varint(model, at, len) || len > model.size() - at) throw malformed();
    const std::string inner = model.substr(at, len);
    at += len;
    std::string spec;
    for (std::size_t i = 0; i < inner.size();) {
      std::uint64_t t = 0;
      if (!read_varint(inner, i, t)) throw malformed();
      if (t == ((3 << 3) | 0)) {
        std::uint64_t ignored = 0;
        if (!read_varint(inner, i, ignored)) throw malformed();
        continue;
      }
      if (!copy_field(inner, i, t, spec)) throw malformed();
    }
    write_varint(spec, (3 << 3) | 0);
    write_varint(spec, 0);
    write_varint(out, tag);
    write_varint(out, spec.size());
    out += spec;
    had_normalizer = true;
  }
  if (!had_normalizer) {
    std::string spec;
    write_varint(spec, (3 << 3) | 0);
    write_varint(spec, 0);
    write_varint(out, (3 << 3) | 2);
    write_varint(out, spec.size());
    out += spec;
  }
  return out;
}

SentencePieceTokenizer::SentencePieceTokenizer() : sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot open the tokenizer model", {path.string()});
  std::stringstream bytes;
  bytes << in.rdbuf();
  return from_serialized(bytes.str(), path.string());
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_serialized(const std::string& bytes,
                                                                                const std::string& source) {
  // 1. Is it a SentencePiece model at all? Llama-3 ships a tiktoken text file under this name.
  if (looks_like_tiktoken(bytes)) {
    throw FormatError("this tokenizer.model is a tiktoken vocabulary (as Llama-3 ships), not a "
                      "SentencePiece model: load the model's tokenizer.json instead", {source});
  }
  if (bytes.empty() || bytes[0] != '\x0a') {
    throw FormatError("not a SentencePiece model (it does not start with a protobuf piece list)", {source});
  }
  // 2. Load the variant without the dummy prefix (we add "▁" ourselves, as transformers does).
  auto t = std::unique_ptr<SentencePieceTokenizer>(new SentencePieceTokenizer());
  sentencepiece::util::Status status;
  try {
    status = t->sp_->LoadFromSerializedProto(without_dummy_prefix(bytes, source));
  } catch (const std::exception& e) {  // its trie builder throws on inputs our checks missed
    throw FormatError(std::string("SentencePiece could not load it: ") + e.what(), {source});
  }
  if (!status.ok()) throw FormatError("SentencePiece could not load it: " + status.ToString(), {source});
  // 3. Special ids and the control tokens, matched whole in text.
  auto opt = [](int id) { return id >= 0 ? std::optional<TokenId>(id) : std::nullopt; };
  t->special_.bos = opt(t->sp_->bos_id());
  t->special_.eos = opt(t->sp_->eos_id());
  t->special_.pad = opt(t->sp_->pad_id());
  t->special_.unk = opt(t->sp_->unk_id());
  t->special_.add_bos = t->special_.bos.has_value();
  for (int id = 0; id < t->sp_->GetPieceSize(); ++id) {
    // (User-defined pieces need nothing here: SentencePiece's encoder keeps them whole.)
    if (t->sp_->IsControl(id) || t->sp_->IsUnknown(id)) {
      t->added_.add({t->sp_->IdToPiece(id), id, true, false, false, false});
    }
  }
  return t;
}

std::vector<TokenId> SentencePieceTokenizer::encode(std::string_view text, bool parse_special) const {
  std::vector<TokenId> out;
  for (const TextPiece& piece : added_.split(text, parse_special)) {
    if (piece.added) {
      out.push_back(*piece.added);
      continue;
    }
    // "▁" goes in front only at the very start of the text, unless a space is already there.
    std::string segment(piece.text);
    if (piece.offset == 0 && (segment.empty() || segment[0] != ' ')) segment.insert(0, " ");
    std::vector<int> ids;
    const auto status = sp_->Encode(segment, &ids);
    if (!status.ok()) throw Error("SentencePiece could not encode the text: " + status.ToString());
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

std::string SentencePieceTokenizer::token_bytes(TokenId id) const {
  if (id < 0 || id >= sp_->GetPieceSize()) return {};
  if (sp_->IsControl(id) || sp_->IsUnknown(id)) return sp_->IdToPiece(id);
  if (sp_->IsByte(id)) {
    const std::string piece = sp_->IdToPiece(id);  // "<0xNN>"
    return std::string(1, static_cast<char>(std::stoi(piece.substr(3, 2), nullptr, 16)));
  }
  std::string piece = sp_->IdToPiece(id);
  std::string out;
  for (std::size_t i = 0; i < piece.size();) {
    if (piece.compare(i, 3, "\xE2\x96\x81") == 0) {  // ▁
      out += ' ';
      i += 3;
    } else {
      out += piece[i++];
    }
  }
  return out;
}

std::string SentencePieceTokenizer::decode(std::span<const TokenId> ids, bool skip_special) const {
  std::string out;
  bool first = true;
  for (TokenId id : ids) {
    if (skip_special && is_special(id)) continue;
    // As tokenizers' Metaspace decoder: the first token decoded loses its leading space.
    std::string bytes = token_bytes(id);
    if (first && !bytes.empty() && bytes[0] == ' ') bytes.erase(0, 1);
    first = false;
    out += bytes;
  }
  return out;
}

std::string SentencePieceTokenizer::token_text(TokenId id) const {
  return id >= 0 && id < sp_->GetPieceSize() ? sp_->IdToPiece(id) : std::string();
}

std::optional<TokenId> SentencePieceTokenizer::token_id(std::string_view text) const {
  const int id = sp_->PieceToId(std::string(text));
  if (id == sp_->unk_id() && text != sp_->IdToPiece(id)) return std::nullopt;
  return id;
}

std::int64_t SentencePieceTokenizer::vocab_size() const { return sp_->GetPieceSize(); }

bool SentencePieceTokenizer::is_special(TokenId id) const {
  return id >= 0 && id < sp_->GetPieceSize() && (sp_->IsControl(id) || sp_->IsUnknown(id));
}

}  // namespace tb
