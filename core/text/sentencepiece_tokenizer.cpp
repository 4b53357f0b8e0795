// SentencePieceTokenizer (see sentencepiece_tokenizer.h).
#include "core/text/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include <cstring>
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

// Protobuf fields for the model we write: varint (wire type 0), fixed32 (5), bytes (2).
void put_varint_field(std::string& out, std::uint32_t field, std::uint64_t value) {
  write_varint(out, (field << 3) | 0);
  write_varint(out, value);
}
void put_float_field(std::string& out, std::uint32_t field, float value) {
  write_varint(out, (field << 3) | 5);
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  for (int i = 0; i < 4; ++i) out += static_cast<char>((bits >> (8 * i)) & 0xFF);  // little-endian
}
void put_bytes_field(std::string& out, std::uint32_t field, const std::string& bytes) {
  write_varint(out, (field << 3) | 2);
  write_varint(out, bytes.size());
  out += bytes;
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

std::string without_dummy_prefix(const std::string& model, const std::string& source, bool* had_dummy_prefix) {
  if (had_dummy_prefix != nullptr) *had_dummy_prefix = true;
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
        std::uint64_t value = 0;
        if (!read_varint(inner, i, value)) throw malformed();
        if (had_dummy_prefix != nullptr) *had_dummy_prefix = value != 0;
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

std::string sentencepiece_model_from_gguf(const GgufHeader& header, const std::string& source) {
  const auto find = [&](const char* key) { return find_metadata(header, key); };
  const GgufValue* tokens = find("tokenizer.ggml.tokens");
  if (tokens == nullptr) throw FormatError("a SentencePiece vocabulary needs tokenizer.ggml.tokens", {source});
  const auto& pieces = tokens->as_array("tokenizer.ggml.tokens");
  const GgufValue* scores_value = find("tokenizer.ggml.scores");
  const GgufValue* types_value = find("tokenizer.ggml.token_type");
  const GgufArray* scores = scores_value ? &scores_value->as_array("tokenizer.ggml.scores") : nullptr;
  const GgufArray* types = types_value ? &types_value->as_array("tokenizer.ggml.token_type") : nullptr;
  if (scores != nullptr && scores->size() != pieces.size()) {
    throw FormatError("has " + std::to_string(scores->size()) + " entries for " + std::to_string(pieces.size()) +
                      " tokens", {source, 0, "tokenizer.ggml.scores"});
  }
  if (types != nullptr && types->size() != pieces.size()) {
    throw FormatError("has " + std::to_string(types->size()) + " entries for " + std::to_string(pieces.size()) +
                      " tokens", {source, 0, "tokenizer.ggml.token_type"});
  }
  auto id_of = [&](const char* key, std::int64_t fallback) -> std::int64_t {
    const GgufValue* v = find(key);
    if (v == nullptr) return fallback;
    const auto id = v->as_int(key);
    if (id < 0 || id >= static_cast<std::int64_t>(pieces.size())) throw FormatError("token id out of range", {source, 0, key});
    return id;
  };
  // 1. The pieces (ModelProto field 1: piece = 1, score = 2, type = 3).
  std::string model;
  std::size_t byte_pieces = 0;
  std::int64_t unk_from_types = -1;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string& piece = pieces[i].as_string("tokenizer.ggml.tokens");
    const std::int64_t type = types ? (*types)[i].as_int("tokenizer.ggml.token_type") : 1;
    if (type < 1 || type > 6) {
      throw FormatError("token " + std::to_string(i) + " has type " + std::to_string(type) + " (1 to 6 are defined)",
                        {source, 0, "tokenizer.ggml.token_type"});
    }
    byte_pieces += type == 6 ? 1 : 0;
    if (type == 2 && unk_from_types < 0) unk_from_types = static_cast<std::int64_t>(i);
    std::string entry;
    put_bytes_field(entry, 1, piece);
    put_float_field(entry, 2, scores ? static_cast<float>((*scores)[i].as_float("tokenizer.ggml.scores")) : 0.0f);
    put_varint_field(entry, 3, static_cast<std::uint64_t>(type));
    put_bytes_field(model, 1, entry);
  }
  // 2. TrainerSpec (field 2): BPE (model_type = 3: 2), byte_fallback (35), unk/bos/eos/pad ids
  //    (40-43; -1 = none, as a two's-complement varint like protobuf's int32).
  auto id_varint = [](std::int64_t id) { return static_cast<std::uint64_t>(id); };
  std::string trainer;
  put_varint_field(trainer, 3, 2);
  // SentencePiece falls back to bytes only with all 256 byte pieces; with fewer, an unknown
  // character becomes the unknown token.
  if (byte_pieces == 256) put_varint_field(trainer, 35, 1);
  put_varint_field(trainer, 40, id_varint(id_of("tokenizer.ggml.unknown_token_id", unk_from_types < 0 ? 0 : unk_from_types)));
  put_varint_field(trainer, 41, id_varint(id_of("tokenizer.ggml.bos_token_id", -1)));
  put_varint_field(trainer, 42, id_varint(id_of("tokenizer.ggml.eos_token_id", -1)));
  put_varint_field(trainer, 43, id_varint(id_of("tokenizer.ggml.padding_token_id", -1)));
  put_bytes_field(model, 2, trainer);
  // 3. NormalizerSpec (field 3): identity (name = 1), whitespace escaped as "▁" (5), nothing
  //    removed (4), the dummy prefix (3) as tokenizer.ggml.add_space_prefix says (default on);
  //    from_serialized takes it out again and adds the space itself, as for tokenizer.model.
  std::string normalizer;
  put_bytes_field(normalizer, 1, "identity");
  const GgufValue* prefix = find("tokenizer.ggml.add_space_prefix");
  put_varint_field(normalizer, 3, prefix == nullptr || prefix->as_bool("tokenizer.ggml.add_space_prefix") ? 1 : 0);
  put_varint_field(normalizer, 4, 0);
  put_varint_field(normalizer, 5, 1);
  put_bytes_field(model, 3, normalizer);
  return model;
}

std::unique_ptr<SentencePieceTokenizer> SentencePieceTokenizer::from_gguf_header(const GgufHeader& header,
                                                                                 const std::string& source) {
  auto t = from_serialized(sentencepiece_model_from_gguf(header, source), source);
  // SentencePiece's own ids left out of the file stay unset; add_bos follows the file, else on.
  t->special_.add_bos = t->special_.bos.has_value();
  if (const GgufValue* v = find_metadata(header, "tokenizer.ggml.add_bos_token")) {
    t->special_.add_bos = v->as_bool("tokenizer.ggml.add_bos_token") && t->special_.bos.has_value();
  }
  // User-defined tokens (4) are matched whole in text, as llama.cpp and transformers do.
  if (const GgufValue* v = find_metadata(header, "tokenizer.ggml.token_type")) {
    const auto& types = v->as_array("tokenizer.ggml.token_type");
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i].as_int("tokenizer.ggml.token_type") == 4) {
        t->added_.add({t->sp_->IdToPiece(static_cast<int>(i)), static_cast<TokenId>(i), false, false, false, false});
      }
    }
  }
  return t;
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
    status = t->sp_->LoadFromSerializedProto(without_dummy_prefix(bytes, source, &t->dummy_prefix_));
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
    if (dummy_prefix_ && piece.offset == 0 && (segment.empty() || segment[0] != ' ')) segment.insert(0, " ");
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
    if (dummy_prefix_ && first && !bytes.empty() && bytes[0] == ' ') bytes.erase(0, 1);
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
