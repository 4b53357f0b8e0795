// PII scan for the dataset audit: where a text holds e-mail addresses, phone numbers, IBANs,
// payment card numbers or IP addresses, by conservative rules backed by checksums where the
// format has one (ISO 13616 mod-97, Luhn). It reports, it does not redact, and it is no proof
// that a text is free of personal data: names, postal addresses and national IDs are not
// looked for.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace tb::data {

enum class PiiKind { Email, Phone, Iban, CardNumber, IpAddress };

// "email", "phone", "iban", "card_number", "ip_address".
const char* pii_kind_name(PiiKind kind);

struct PiiMatch {
  PiiKind kind = PiiKind::Email;
  std::size_t offset = 0;  // in bytes, into the scanned text
  std::size_t length = 0;  // in bytes
  bool operator==(const PiiMatch&) const = default;
};

// All matches in text order; they never overlap (where two rules claim the same bytes, the
// more specific one wins: e-mail, IBAN, card number, IP address, then phone). Any bytes are
// accepted (only ASCII is looked at) and the time is linear in the text's length.
std::vector<PiiMatch> scan_pii(std::string_view utf8);

}  // namespace tb::data
