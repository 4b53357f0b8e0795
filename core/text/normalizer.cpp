// Normalizer (see normalizer.h), through ICU's Normalizer2.
#include "core/text/normalizer.h"

#include <nlohmann/json.hpp>

#include "core/common/build_info.h"
#include "core/common/error.h"

#if TB_WITH_ICU
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#endif

namespace tb {
namespace {

void add_forms(const nlohmann::json& spec, const std::string& source, std::vector<Normalizer::Form>& out) {
  if (spec.is_null()) return;
  const std::string type = spec.value("type", std::string());
  if (type == "Sequence") {
    for (const auto& sub : spec.at("normalizers")) add_forms(sub, source, out);
    return;
  }
  if (type == "NFC") out.push_back(Normalizer::Form::NFC);
  else if (type == "NFD") out.push_back(Normalizer::Form::NFD);
  else if (type == "NFKC") out.push_back(Normalizer::Form::NFKC);
  else if (type == "NFKD") out.push_back(Normalizer::Form::NFKD);
  else {
    throw FormatError("normalizer \"" + type + "\" is not supported (NFC, NFD, NFKC, NFKD, Sequence are)",
                      {source, 0, "normalizer"});
  }
}

}  // namespace

Normalizer Normalizer::from_tokenizer_json(const nlohmann::json& spec, const std::string& source) {
  Normalizer n;
  try {
    add_forms(spec, source, n.forms_);
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(std::string("malformed normalizer: ") + e.what(), {source, 0, "normalizer"});
  }
#if !TB_WITH_ICU
  if (!n.forms_.empty()) {
    throw FormatError("this build has no Unicode normalisation (built without ICU); rebuild with libicu-dev",
                      {source, 0, "normalizer"});
  }
#endif
  return n;
}

std::string Normalizer::apply(std::string_view text) const {
  if (forms_.empty()) return std::string(text);
#if TB_WITH_ICU
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  for (Form f : forms_) {
    const icu::Normalizer2* n = f == Form::NFC    ? icu::Normalizer2::getNFCInstance(status)
                                : f == Form::NFD  ? icu::Normalizer2::getNFDInstance(status)
                                : f == Form::NFKC ? icu::Normalizer2::getNFKCInstance(status)
                                                  : icu::Normalizer2::getNFKDInstance(status);
    if (U_FAILURE(status)) throw Error("Unicode normalisation is unavailable (ICU data missing)");
    s = n->normalize(s, status);
    if (U_FAILURE(status)) throw Error("Unicode normalisation failed on the text");
  }
  std::string out;
  s.toUTF8String(out);
  return out;
#else
  return std::string(text);
#endif
}

}  // namespace tb
