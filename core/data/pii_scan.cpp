// PII scan (see pii_scan.h). One pass per kind over the bytes, each anchored at places where
// its kind can start and reading a bounded stretch from there, so the whole scan is linear;
// then the kinds are merged by priority so that no two matches overlap. Only ASCII bytes can
// be part of a match; any other byte (UTF-8 or not) simply ends one.
#include "core/data/pii_scan.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <iterator>
#include <map>
#include <string>

namespace tb::data {
namespace {

constexpr std::size_t kNone = std::string_view::npos;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// Letters, digits and '_': what a word is made of, so a match may not touch one.
bool is_word(char c) { return is_alnum(c) || c == '_'; }

// The byte at `i`, or '\0' past the end (so look-ahead needs no bounds checks).
char byte_at(std::string_view text, std::size_t i) { return i < text.size() ? text[i] : '\0'; }

// The value of `len` decimal digits at `at` (len <= 9).
int digits_value(std::string_view text, std::size_t at, std::size_t len) {
  int value = 0;
  for (std::size_t k = 0; k < len; ++k) value = value * 10 + (text[at + k] - '0');
  return value;
}

std::size_t digit_run(std::string_view text, std::size_t at, std::size_t cap) {
  std::size_t run = 0;
  while (run < cap && is_digit(byte_at(text, at + run))) ++run;
  return run;
}

// Whether a number may start at `at`: not glued to a word or a '+' before it, and not the
// continuation of a number that has '.', ',', '-', '/' or ':' between its digits.
bool number_starts_at(std::string_view text, std::size_t at) {
  if (at == 0) return true;
  const char before = text[at - 1];
  if (is_word(before) || before == '+') return false;
  const bool joiner =
      before == '.' || before == ',' || before == '-' || before == '/' || before == ':';
  return !(joiner && at >= 2 && is_digit(text[at - 2]));
}

// Whether a number may end at `end`: not glued to a word after it, and not followed by '.' or
// ',' and a digit (a decimal part, or more of a dotted number).
bool number_ends_at(std::string_view text, std::size_t end) {
  const char after = byte_at(text, end);
  if (is_word(after)) return false;
  return !((after == '.' || after == ',') && is_digit(byte_at(text, end + 1)));
}

// ---- E-mail addresses -------------------------------------------------------------------

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxDomain = 253;    // RFC 1035 §2.3.4, less the root's dot

bool is_local_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool is_domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }

// Two or more labels of letters, digits and inner hyphens (1-63 each); the last (the TLD)
// of two or more letters.
bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomain) return false;
  int labels = 0;
  std::string_view last;
  for (std::size_t start = 0;;) {
    const std::size_t dot = domain.find('.', start);
    const std::size_t stop = dot == kNone ? domain.size() : dot;
    const std::string_view label = domain.substr(start, stop - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    ++labels;
    last = label;
    if (dot == kNone) break;
    start = dot + 1;
  }
  return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), is_alpha);
}

std::vector<PiiMatch> find_emails(std::string_view text) {
  std::vector<PiiMatch> found;
  std::size_t floor = 0;  // the end of the previous address: the next cannot reach back past it
  for (std::size_t at = text.find('@'); at != kNone; at = text.find('@', at + 1)) {
    // 1. The local part: back from '@' over [A-Za-z0-9._%+-], at most 64 characters, without
    //    the dots a sentence may put before it; no dot at its end and no two dots in a row.
    std::size_t begin = at;
    while (begin > floor && at - begin <= kMaxLocalPart && is_local_char(text[begin - 1])) {
      --begin;
    }
    if (at - begin > kMaxLocalPart) continue;
    while (begin < at && text[begin] == '.') ++begin;
    if (begin == at || text[at - 1] == '.') continue;
    if (text.substr(begin, at - begin).find("..") != kNone) continue;
    // 2. The domain: forward over [A-Za-z0-9.-]; a final '.' or '-' belongs to the sentence.
    std::size_t end = at + 1;
    while (end < text.size() && end - at - 1 <= kMaxDomain && is_domain_char(text[end])) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    // 3. Labels and TLD.
    if (!valid_domain(text.substr(at + 1, end - at - 1))) continue;
    found.push_back({PiiKind::Email, begin, end - begin});
    floor = end;
  }
  return found;
}

// ---- IBANs ------------------------------------------------------------------------------

constexpr std::size_t kMinIban = 15;
constexpr std::size_t kMaxIban = 34;

struct IbanCountry {
  char code[3];
  std::size_t length;
};

// IBAN lengths from the SWIFT IBAN Registry: all SEPA countries (GB among them) and a
// few others that are common in data. A country not listed may have any length 15-34.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BR", 29},
    {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18},
    {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
    {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28},
    {"PT", 25}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"XK", 20},
};

bool is_iban_char(char c) { return is_upper(c) || is_digit(c); }

bool iban_length_ok(std::string_view iban) {
  for (const IbanCountry& country : kIbanCountries) {
    if (iban.substr(0, 2) == country.code) return iban.size() == country.length;
  }
  return iban.size() >= kMinIban && iban.size() <= kMaxIban;
}

// ISO 13616-1 / ISO 7064 MOD 97-10: the first four characters moved to the end, letters
// as 10-35, the whole read as a decimal number, must leave 1 when divided by 97.
bool iban_checksum_ok(std::string_view iban) {
  unsigned remainder = 0;
  for (std::size_t k = 0; k < iban.size(); ++k) {
    const char c = iban[(k + 4) % iban.size()];
    if (is_digit(c)) {
      remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
    } else {
      remainder = (remainder * 100 + static_cast<unsigned>(c - 'A' + 10)) % 97;
    }
  }
  return remainder == 1;
}

std::vector<PiiMatch> find_ibans(std::string_view text) {
  std::vector<PiiMatch> found;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i + 4 <= n; ++i) {
    // 1. Two capital letters and two check digits, not glued to a word before them.
    if (!is_upper(text[i]) || !is_upper(text[i + 1]) || !is_digit(text[i + 2]) ||
        !is_digit(text[i + 3]) || (i > 0 && is_word(text[i - 1]))) {
      continue;
    }
    // 2. The rest: either one run of capitals and digits, or groups of four after single
    //    spaces (the last group may be shorter). Every place the IBAN could end is noted.
    std::string chars(text.substr(i, 4));
    std::vector<std::size_t> ends;  // byte ends; chars.size() at each is noted alongside
    std::vector<std::size_t> counts;
    std::size_t p = i + 4;
    if (is_iban_char(byte_at(text, p))) {
      while (p < n && is_iban_char(text[p]) && chars.size() <= kMaxIban) chars.push_back(text[p++]);
      if (chars.size() <= kMaxIban && !is_word(byte_at(text, p))) {
        ends.push_back(p);
        counts.push_back(chars.size());
      }
    } else {
      while (byte_at(text, p) == ' ' && is_iban_char(byte_at(text, p + 1))) {
        std::size_t q = p + 1;
        while (q < n && is_iban_char(text[q]) && q - p <= 4) ++q;
        const std::size_t group = q - p - 1;
        if (is_word(byte_at(text, q)) || chars.size() + group > kMaxIban) break;
        chars.append(text.substr(p + 1, group));
        p = q;
        ends.push_back(p);
        counts.push_back(chars.size());
        if (group < 4) break;
      }
    }
    // 3. The longest of those that has the country's length and a valid check.
    for (std::size_t k = ends.size(); k-- > 0;) {
      const std::string_view iban = std::string_view(chars).substr(0, counts[k]);
      if (iban.size() >= kMinIban && iban_length_ok(iban) && iban_checksum_ok(iban)) {
        found.push_back({PiiKind::Iban, i, ends[k] - i});
        i = ends[k] - 1;
        break;
      }
    }
  }
  return found;
}

// ---- Payment card numbers ---------------------------------------------------------------

// Luhn (ISO/IEC 7812-1 annex B): from the right, every second digit doubled (less 9 when
// over 9); the sum must be a multiple of 10.
bool luhn_ok(std::string_view digits) {
  unsigned sum = 0;
  bool double_it = false;
  for (std::size_t k = digits.size(); k-- > 0;) {
    unsigned d = static_cast<unsigned>(digits[k] - '0');
    if (double_it) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

// Issuer prefixes (IIN ranges) and the lengths each issues: Visa 4 (13, 16, 19 digits);
// Mastercard 51-55 and 2221-2720 (16); American Express 34, 37 (15); Discover 6011, 65
// (16-19); JCB 35 (16-19). Other issuers (Maestro, UnionPay, Diners) are not looked for.
bool issuer_ok(std::string_view digits) {
  const std::size_t len = digits.size();
  const int two = digits_value(digits, 0, 2);
  const int four = digits_value(digits, 0, 4);
  if (digits[0] == '4') return len == 13 || len == 16 || len == 19;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return len == 16;
  if (two == 34 || two == 37) return len == 15;
  if (four == 6011 || two == 65 || two == 35) return len >= 16 && len <= 19;
  return false;
}

std::vector<PiiMatch> find_cards(std::string_view text) {
  std::vector<PiiMatch> found;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(text[i]) || !number_starts_at(text, i)) continue;
    // 1. 13-19 digits in one run, or a group of four and then groups of 3-6 digits, all after
    //    the same single separator (' ' or '-'). Every place the number could end is noted.
    const std::size_t run = digit_run(text, i, 20);
    std::string digits(text.substr(i, std::min<std::size_t>(run, 19)));
    std::vector<std::size_t> ends, counts;
    if (run >= 13 && run <= 19 && number_ends_at(text, i + run)) {
      ends.push_back(i + run);
      counts.push_back(run);
    } else if (run == 4 && (byte_at(text, i + 4) == ' ' || byte_at(text, i + 4) == '-')) {
      const char separator = text[i + 4];
      std::size_t p = i + 4;
      while (byte_at(text, p) == separator) {
        const std::size_t group = digit_run(text, p + 1, 7);
        if (group < 3 || group > 6 || digits.size() + group > 19) break;
        digits.append(text.substr(p + 1, group));
        p += 1 + group;
        if (digits.size() >= 13 && number_ends_at(text, p)) {
          ends.push_back(p);
          counts.push_back(digits.size());
        }
      }
    }
    // 2. The longest that passes Luhn and belongs to a known issuer.
    bool matched = false;
    for (std::size_t k = ends.size(); k-- > 0 && !matched;) {
      const std::string_view number = std::string_view(digits).substr(0, counts[k]);
      if (luhn_ok(number) && issuer_ok(number)) {
        found.push_back({PiiKind::CardNumber, i, ends[k] - i});
        i = ends[k] - 1;
        matched = true;
      }
    }
    // 3. The rest of a digit run cannot start a number.
    if (!matched && run > 1) i += run - 1;
  }
  return found;
}

// ---- IP addresses -----------------------------------------------------------------------

// A dotted quad at `at` (0-255, no leading zeros); its end, or kNone.
std::size_t parse_ipv4(std::string_view text, std::size_t at) {
  std::size_t p = at;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (byte_at(text, p) != '.') return kNone;
      ++p;
    }
    const std::size_t len = digit_run(text, p, 4);
    if (len == 0 || len > 3 || (len > 1 && text[p] == '0')) return kNone;
    if (digits_value(text, p, len) > 255) return kNone;
    p += len;
  }
  return p;
}

// An IPv6 address at `at` (RFC 4291 §2.2): eight groups of 1-4 hex digits, or fewer with
// one "::", the last two groups possibly a dotted quad. A compressed form must have at least
// one group and at least one decimal digit, so that "dead::beef" and "a::b" in code are not
// taken for addresses (a real one like "fe80::1" or "::1" has a digit). Its end, or kNone.
std::size_t parse_ipv6(std::string_view text, std::size_t at) {
  std::size_t p = at;
  int groups = 0;
  int colons = 0;
  bool compressed = false;
  bool has_digit = false;
  if (byte_at(text, p) == ':') {
    if (byte_at(text, p + 1) != ':') return kNone;
    compressed = true;
    colons = 2;
    p += 2;
  }
  for (;;) {
    std::size_t run = 0;
    while (run < 5 && is_hex(byte_at(text, p + run))) ++run;
    if (run == 0) break;
    // An embedded IPv4 address ends the address.
    if (byte_at(text, p + run) == '.' && groups <= 6) {
      const std::size_t end = parse_ipv4(text, p);
      if (end != kNone) {
        groups += 2;
        has_digit = true;
        p = end;
        break;
      }
    }
    if (run > 4) return kNone;
    for (std::size_t k = 0; k < run; ++k) has_digit = has_digit || is_digit(text[p + k]);
    ++groups;
    p += run;
    if (groups > 8) return kNone;
    if (byte_at(text, p) != ':') break;
    if (byte_at(text, p + 1) == ':') {
      if (compressed) return kNone;
      compressed = true;
      colons += 2;
      p += 2;
    } else if (is_hex(byte_at(text, p + 1))) {
      ++colons;
      ++p;
    } else {
      break;
    }
  }
  if (colons < 2 || groups == 0) return kNone;
  if (compressed ? (groups > 7 || !has_digit) : groups != 8) return kNone;
  return p;
}

std::vector<PiiMatch> find_ip_addresses(std::string_view text) {
  std::vector<PiiMatch> found;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (!is_hex(c) && c != ':') continue;
    // 1. Not glued to a word or a dotted number before it; an IPv6 address not to a colon
    //    either (an IPv4 address may follow one, as in "ip:10.0.0.1").
    const char before = i > 0 ? text[i - 1] : '\0';
    if (is_word(before) || before == '.') continue;
    // 2. IPv4, then IPv6; either must end where a number may end.
    std::size_t end = is_digit(c) ? parse_ipv4(text, i) : kNone;
    if (end == kNone && before != ':') end = parse_ipv6(text, i);
    if (end != kNone && number_ends_at(text, end)) {
      found.push_back({PiiKind::IpAddress, i, end - i});
      i = end - 1;
    }
  }
  return found;
}

// ---- Phone numbers ----------------------------------------------------------------------

constexpr std::size_t kMinPhoneDigits = 7;
constexpr std::size_t kMaxPhoneDigits = 15;  // ITU-T E.164

// Where a phone number may end: as a number, and not followed by '-', '/' or ':' and a digit
// (a longer structure, e.g. a date or a range).
bool phone_ends_at(std::string_view text, std::size_t end) {
  const char after = byte_at(text, end);
  const bool joiner = after == '-' || after == '/' || after == ':';
  return number_ends_at(text, end) && !(joiner && is_digit(byte_at(text, end + 1)));
}

// "+" and a country code, then digit groups separated by at most a space, a '-' or '.' and a
// parenthesis each, e.g. "+44 20 7946 0958", "+1 (415) 555-2671", "+44 (0)20 7946 0958";
// 7-15 digits, and at least 10 when written without separators. The longest such number
// wins; only a space-separated tail may be left over. Its end, or kNone.
std::size_t parse_international_phone(std::string_view text, std::size_t at) {
  struct Candidate {
    std::size_t end;
    std::size_t digits;
    std::size_t separators;
  };
  // 1. Every place after a digit group, outside parentheses, where the number could end.
  std::vector<Candidate> candidates;
  std::size_t p = at + 1;
  std::size_t digits = 0, separators = 0;
  bool open = false;
  for (;;) {
    const std::size_t run = digit_run(text, p, kMaxPhoneDigits + 1);
    if (run == 0 || digits + run > kMaxPhoneDigits) break;
    digits += run;
    p += run;
    if (!open) candidates.push_back({p, digits, separators});
    std::size_t q = p;
    bool space = false, mark = false, paren = false;
    for (;; ++q) {
      const char c = byte_at(text, q);
      if (c == ' ' && !space) {
        space = true;
      } else if ((c == '-' || c == '.') && !mark) {
        mark = true;
      } else if ((c == '(' && !open) || (c == ')' && open)) {
        if (paren) break;
        paren = true;
        open = !open;
      } else {
        break;
      }
    }
    if (q == p || !is_digit(byte_at(text, q))) break;
    p = q;
    ++separators;
  }
  // 2. The longest that ends like a number, is long enough, and is the whole of what was
  //    read or stops before a space.
  for (std::size_t k = candidates.size(); k-- > 0;) {
    const Candidate& c = candidates[k];
    if (k + 1 < candidates.size() && byte_at(text, c.end) != ' ') break;
    if (c.digits < kMinPhoneDigits) break;
    if (c.separators == 0 && c.digits < 10) break;
    if (phone_ends_at(text, c.end)) return c.end;
  }
  return kNone;
}

// National forms, deliberately few so that dates, prices, versions and plain numbers stay out:
// - North American: 415-555-2671, 415.555.2671, 1-800-555-0199, (415) 555-2671, with area code
//   and exchange starting 2-9;
// - trunk prefix 0: a first group of 2-5 digits starting with 0 (maybe in parentheses), then
//   1-4 groups of 2-8 digits, all after the same separator (space, '-', '.', '/'), 9-15
//   digits in all: 020 7946 0958, (030) 1234567, 06 12 34 56 78, 0151/12345678.
// Its end, or kNone.
std::size_t parse_national_phone(std::string_view text, std::size_t at) {
  struct Group {
    std::size_t begin;
    std::size_t length;
  };
  std::array<Group, 6> groups{};
  std::size_t count = 0;
  std::size_t p = at;
  // 1. A first group in parentheses, maybe followed by one space or hyphen.
  const bool parenthesised = text[at] == '(';
  if (parenthesised) {
    const std::size_t run = digit_run(text, at + 1, 6);
    if (run < 2 || run > 5 || byte_at(text, at + 1 + run) != ')') return kNone;
    groups[count++] = {at + 1, run};
    p = at + run + 2;
    if ((byte_at(text, p) == ' ' || byte_at(text, p) == '-') && is_digit(byte_at(text, p + 1))) {
      ++p;
    }
  }
  // 2. Groups after one and the same separator.
  char separator = '\0';
  for (;;) {
    const std::size_t run = digit_run(text, p, 9);
    if (run == 0 || run > 8 || count == groups.size()) return kNone;
    groups[count++] = {p, run};
    p += run;
    const char c = byte_at(text, p);
    const bool is_separator = c == ' ' || c == '-' || c == '.' || c == '/';
    if (!is_separator || (separator != '\0' && c != separator) || !is_digit(byte_at(text, p + 1))) {
      break;
    }
    separator = c;
    ++p;
  }
  if (count < 2) return kNone;
  auto starts_2_to_9 = [&](std::size_t g) { return text[groups[g].begin] >= '2'; };
  auto lengths_are = [&](std::size_t k, std::initializer_list<std::size_t> lengths) {
    if (k != lengths.size()) return false;
    std::size_t g = 0;
    for (const std::size_t len : lengths) {
      if (groups[g++].length != len) return false;
    }
    return true;
  };
  // 3. The longest run of groups that fits a form. Only a space-separated tail may be left
  //    over (the next word may be another number); '-', '.' and '/' bind tighter.
  for (std::size_t k = count; k >= 2; --k) {
    if (k < count && separator != ' ') break;
    const std::size_t end = groups[k - 1].begin + groups[k - 1].length;
    if (!phone_ends_at(text, end)) continue;
    const bool dash_or_dot = separator == '-' || separator == '.';
    if (parenthesised && lengths_are(k, {3, 3, 4}) && starts_2_to_9(0) && starts_2_to_9(1) &&
        separator != '/') {
      return end;
    }
    if (!parenthesised && dash_or_dot && lengths_are(k, {3, 3, 4}) && starts_2_to_9(0) &&
        starts_2_to_9(1)) {
      return end;
    }
    if (!parenthesised && dash_or_dot && lengths_are(k, {1, 3, 3, 4}) &&
        text[groups[0].begin] == '1' && starts_2_to_9(1) && starts_2_to_9(2)) {
      return end;
    }
    std::size_t digits = 0;
    bool middle_ok = true;
    for (std::size_t g = 0; g < k; ++g) {
      digits += groups[g].length;
      if (g > 0 && (groups[g].length < 2 || groups[g].length > 8)) middle_ok = false;
    }
    if (text[groups[0].begin] == '0' && groups[0].length >= 2 && groups[0].length <= 5 && k <= 5 &&
        middle_ok && digits >= 9 && digits <= kMaxPhoneDigits) {
      return end;
    }
  }
  return kNone;
}

std::vector<PiiMatch> find_phones(std::string_view text) {
  std::vector<PiiMatch> found;
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    std::size_t end = kNone;
    if (c == '+' && is_digit(byte_at(text, i + 1)) &&
        (i == 0 || (!is_word(text[i - 1]) && text[i - 1] != '+'))) {
      end = parse_international_phone(text, i);
    } else if (is_digit(c) || (c == '(' && is_digit(byte_at(text, i + 1)))) {
      // A national number starts as a number does, and not after a digit group and a space:
      // "3704 0044 0532 0131 00" in a broken IBAN is not the phone "0044 0532 0131 00".
      const bool after_group = i >= 2 && text[i - 1] == ' ' && is_digit(text[i - 2]);
      if (number_starts_at(text, i) && !after_group) end = parse_national_phone(text, i);
    }
    if (end != kNone) {
      found.push_back({PiiKind::Phone, i, end - i});
      i = end - 1;
    }
  }
  return found;
}

}  // namespace

const char* pii_kind_name(PiiKind kind) {
  switch (kind) {
    case PiiKind::Email:
      return "email";
    case PiiKind::Phone:
      return "phone";
    case PiiKind::Iban:
      return "iban";
    case PiiKind::CardNumber:
      return "card_number";
    case PiiKind::IpAddress:
      return "ip_address";
  }
  return "unknown";
}

std::vector<PiiMatch> scan_pii(std::string_view utf8) {
  // 1. Each kind on its own, most specific first.
  const std::vector<PiiMatch> by_priority[] = {find_emails(utf8), find_ibans(utf8),
                                               find_cards(utf8), find_ip_addresses(utf8),
                                               find_phones(utf8)};
  // 2. A match is kept only when it overlaps none kept before (offset -> match).
  std::map<std::size_t, PiiMatch> kept;
  for (const std::vector<PiiMatch>& matches : by_priority) {
    for (const PiiMatch& m : matches) {
      const auto next = kept.lower_bound(m.offset);
      if (next != kept.end() && next->first < m.offset + m.length) continue;
      if (next != kept.begin()) {
        const PiiMatch& before = std::prev(next)->second;
        if (before.offset + before.length > m.offset) continue;
      }
      kept.emplace(m.offset, m);
    }
  }
  // 3. In text order.
  std::vector<PiiMatch> result;
  result.reserve(kept.size());
  for (const auto& [offset, m] : kept) result.push_back(m);
  return result;
}

}  // namespace tb::data
