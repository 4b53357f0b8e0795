// PII scan: exact matches (kind, offset, text) for synthetic e-mail addresses, phone numbers,
// IBANs (valid and broken mod-97 checks, wrong country lengths), card numbers (valid and
// broken Luhn, unknown issuers) and IPv4/IPv6 addresses; dates, versions, prices, times and
// plain numbers not taken for phones or IPs; no overlaps; any bytes and big inputs are fine.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/data/pii_scan.h"

namespace {

using tb::data::PiiKind;
using tb::data::PiiMatch;
using tb::data::scan_pii;

using Found = std::vector<std::pair<std::string, std::string>>;  // kind name, matched text

Found found_in(const std::string& text) {
  Found out;
  for (const PiiMatch& m : scan_pii(text)) {
    out.emplace_back(tb::data::pii_kind_name(m.kind), text.substr(m.offset, m.length));
  }
  return out;
}

Found one(const char* kind, const char* text) { return {{kind, text}}; }

TEST(PiiScan, KindNames) {
  EXPECT_STREQ(tb::data::pii_kind_name(PiiKind::Email), "email");
  EXPECT_STREQ(tb::data::pii_kind_name(PiiKind::Phone), "phone");
  EXPECT_STREQ(tb::data::pii_kind_name(PiiKind::Iban), "iban");
  EXPECT_STREQ(tb::data::pii_kind_name(PiiKind::CardNumber), "card_number");
  EXPECT_STREQ(tb::data::pii_kind_name(PiiKind::IpAddress), "ip_address");
}

TEST(PiiScan, OffsetsAndLengthsInBytes) {
  const std::string text = "Grüße, jane.doe@example.com und +49 30 1234567.";
  const std::vector<PiiMatch> expected = {{PiiKind::Email, 9, 20}, {PiiKind::Phone, 34, 14}};
  EXPECT_EQ(scan_pii(text), expected);
  EXPECT_TRUE(scan_pii("").empty());
}

TEST(PiiScan, EmailAddresses) {
  EXPECT_EQ(found_in("Write to jane.doe+news@mail.example.co.uk."),
            one("email", "jane.doe+news@mail.example.co.uk"));
  EXPECT_EQ(found_in("(bob_smith-1@example.org)"), one("email", "bob_smith-1@example.org"));
  EXPECT_EQ(found_in("a@b.io, c.d@e-f.com"),
            (Found{{"email", "a@b.io"}, {"email", "c.d@e-f.com"}}));
  EXPECT_EQ(found_in("...x@example.com"), one("email", "x@example.com"));
  for (const char* text : {"user@localhost", "a@b", "a@b.c", "x@example.c0m", "x.@example.com",
                           "x..y@example.com", "@example.com", "x@-example.com", "x@.com",
                           "x@example-.com", "look @ this", "name@123.456"}) {
    EXPECT_EQ(found_in(text), Found{}) << text;
  }
}

TEST(PiiScan, Ibans) {
  // The two standard examples (ECBS / ISO 13616), printed and compact.
  EXPECT_EQ(found_in("IBAN: GB82 WEST 1234 5698 7654 32."),
            one("iban", "GB82 WEST 1234 5698 7654 32"));
  EXPECT_EQ(found_in("GB82WEST12345698765432"), one("iban", "GB82WEST12345698765432"));
  EXPECT_EQ(found_in("DE89 3704 0044 0532 0130 00"), one("iban", "DE89 3704 0044 0532 0130 00"));
  EXPECT_EQ(found_in("pay DE89370400440532013000 now"), one("iban", "DE89370400440532013000"));
  // Belgium (16) followed by a number: the IBAN ends at the country's length.
  EXPECT_EQ(found_in("BE68 5390 0754 7034 2024"), one("iban", "BE68 5390 0754 7034"));
  // Norway, the shortest (15).
  EXPECT_EQ(found_in("NO93 8601 1117 947"), one("iban", "NO93 8601 1117 947"));
  // Check digits off by one, a changed digit, swapped digits: the mod-97 check fails.
  for (const char* text :
       {"GB83 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 33", "DE89 3704 0044 0532 0131 00",
        "DE89 3704 0044 0532 0103 00", "GB82WEST12345698765433"}) {
    EXPECT_EQ(found_in(text), Found{}) << text;
  }
  // A valid mod-97 check but not the country's length: 20 characters for Germany (22).
  EXPECT_EQ(found_in("DE86 3704 0044 0532 0130"), Found{});
  EXPECT_EQ(found_in("DE8637040044053201300"), Found{});
  // Glued to a word, lower case, or broken grouping.
  for (const char* text : {"XGB82WEST12345698765432", "GB82WEST12345698765432X",
                           "gb82 west 1234 5698 7654 32", "GB82 WEST 12345698765432"}) {
    EXPECT_EQ(found_in(text), Found{}) << text;
  }
}

TEST(PiiScan, IbanOfUnlistedCountry) {
  // "ZZ" is no country: accepted on a valid mod-97 check and 15-34 characters. Its check
  // digits are 98 - ("WEST12345698765432" + "ZZ00" as digits) mod 97 = 33.
  EXPECT_EQ(found_in("ZZ33WEST12345698765432"), one("iban", "ZZ33WEST12345698765432"));
  EXPECT_EQ(found_in("ZZ34WEST12345698765432"), Found{});
  EXPECT_EQ(found_in("ZZ33 WEST 1234 5698 7654 32"), one("iban", "ZZ33 WEST 1234 5698 7654 32"));
}

TEST(PiiScan, CardNumbers) {
  // Public test numbers of the card schemes.
  for (const char* number :
       {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4222222222222",
        "5555555555554444", "5105 1051 0510 5100", "2223003122003222", "378282246310005",
        "3782 822463 10005", "6011111111111117", "6011 0009 9013 9424", "3530111333300000"}) {
    EXPECT_EQ(found_in(std::string("card: ") + number + "."), one("card_number", number)) << number;
  }
  // Broken Luhn, unknown issuer (Luhn valid), wrong length for the issuer, too long, mixed
  // separators, part of a longer number or a decimal.
  for (const char* text :
       {"4111111111111112", "4111 1111 1111 1112", "9111111111111119", "1234567812345670",
        "37828224631000", "41111111111111111111", "4111 1111-1111 1111", "4111111111111111.50",
        "x4111111111111111", "12.4111111111111111"}) {
    EXPECT_EQ(found_in(text), Found{}) << text;
  }
  // An expiry date after the number is not part of it.
  EXPECT_EQ(found_in("4111 1111 1111 1111 12/27"), one("card_number", "4111 1111 1111 1111"));
}

TEST(PiiScan, PhoneNumbers) {
  for (const char* number :
       {"+44 20 7946 0958", "+1 (415) 555-2671", "+44 (0)20 7946 0958", "+4915112345678",
        "+33 1 23 45 67 89", "+1-415-555-2671", "+358.40.123.4567", "415-555-2671", "415.555.2671",
        "(415) 555-2671", "1-800-555-0199", "020 7946 0958", "(030) 1234567", "06 12 34 56 78",
        "0151/12345678"}) {
    EXPECT_EQ(found_in(std::string("Call ") + number + " today."), one("phone", number)) << number;
  }
  EXPECT_EQ(found_in("+1 415 555 2671 2024-01-15"), one("phone", "+1 415 555 2671"));
}

TEST(PiiScan, NumbersThatAreNotPhonesOrIps) {
  for (const char* text : {"in 2024",
                           "on 2024-01-15",
                           "15.01.2024",
                           "01-15-2024",
                           "01/02/2024",
                           "2024/01/15",
                           "version 1.2.3",
                           "v1.2.3.4",
                           "release 1.2.3.4.5",
                           "$1,299.99",
                           "1 299,99 EUR",
                           "EUR 12.345.678",
                           "id 12345678901234",
                           "4155552671",
                           "+1234567",
                           "+12 points",
                           "pages 100-1000",
                           "at 10:30:45",
                           "ISBN 978-3-16-148410-0",
                           "0-306-40615-2",
                           "pi 3.14159265358979",
                           "123-456-7890",
                           "555-2671",
                           "256.1.1.1",
                           "01.2.3.4",
                           "1.2.3.4.5",
                           "dead::beef",
                           "std::vector<int>",
                           "a::b::c",
                           "12:34",
                           "10.0.0",
                           "1:2:3:4:5:6:7",
                           "1:2:3:4:5:6:7:8:9",
                           "2001:db8::12345",
                           "1::2::3"}) {
    EXPECT_EQ(found_in(text), Found{}) << text;
  }
}

TEST(PiiScan, IpAddresses) {
  for (const char* address :
       {"192.168.1.1", "10.0.0.1", "0.0.0.0", "255.255.255.255",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8::1", "::1", "fe80::1",
        "2001:db8::", "::ffff:192.0.2.128", "0:0:0:0:0:ffff:192.0.2.128"}) {
    EXPECT_EQ(found_in(std::string("host ") + address + ", ok"), one("ip_address", address))
        << address;
  }
  EXPECT_EQ(found_in("ip:10.0.0.1:8080"), one("ip_address", "10.0.0.1"));
  EXPECT_EQ(found_in("net 10.1.0.0/16."), one("ip_address", "10.1.0.0"));
  EXPECT_EQ(found_in("fe80::1%eth0"), one("ip_address", "fe80::1"));
}

TEST(PiiScan, MatchesNeverOverlap) {
  // A card number is not also a phone, an e-mail's digits are not a phone, an IP is not a
  // phone, and several kinds in one text come back in order.
  EXPECT_EQ(found_in("+14155552671@sms.example.com"), one("email", "+14155552671@sms.example.com"));
  EXPECT_EQ(found_in("4111-1111-1111-1111"), one("card_number", "4111-1111-1111-1111"));
  // "+1 4111 1111 1111" would be a phone (13 digits, the rest a space-separated tail), but
  // its digits overlap the card number, which wins.
  EXPECT_EQ(found_in("+1 4111 1111 1111 1111"), one("card_number", "4111 1111 1111 1111"));
  const std::string text =
      "From ops@example.net (10.1.2.3): refund to DE89 3704 0044 0532 0130 00 or card "
      "5555 5555 5555 4444; questions to +44 20 7946 0958.";
  EXPECT_EQ(found_in(text), (Found{{"email", "ops@example.net"},
                                   {"ip_address", "10.1.2.3"},
                                   {"iban", "DE89 3704 0044 0532 0130 00"},
                                   {"card_number", "5555 5555 5555 4444"},
                                   {"phone", "+44 20 7946 0958"}}));
  const std::vector<PiiMatch> matches = scan_pii(text);
  for (std::size_t k = 1; k < matches.size(); ++k) {
    EXPECT_LE(matches[k - 1].offset + matches[k - 1].length, matches[k].offset);
  }
}

TEST(PiiScan, AnyBytesAndBigInputs) {
  // Every byte value, invalid UTF-8 around a match, and long runs of the characters the
  // rules read: matches found exactly where they are (how the time grows with the input is
  // measured by tests/bench/bench_data_scans.cpp, not asserted here).
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  EXPECT_TRUE(scan_pii(all).empty());  // no rule matches the 256 byte values in order
  const std::string around = all + " a@example.com " + all;
  EXPECT_EQ(scan_pii(around), (std::vector<PiiMatch>{{tb::data::PiiKind::Email, 257, 13}}));
  EXPECT_EQ(found_in(std::string("\xff\xfe") + "a@example.com" + "\xc3"),
            one("email", "a@example.com"));
  EXPECT_EQ(found_in(std::string("\xe2\x80") + "10.0.0.1" + "\x80"), one("ip_address", "10.0.0.1"));

  std::string big;
  for (const char* unit :
       {"1", "1.", "1-", "+1 ", "a@", "@a.", "AB12", "1:", "::", "(1) ", "4111 ", "a.b@c.de "}) {
    std::string block;
    while (block.size() < 200000) block += unit;
    big += block + "\n";
  }
  const std::vector<PiiMatch> matches = scan_pii(big);
  ASSERT_EQ(matches.size(), 200000u / 9u + 1u);  // the "a.b@c.de " block, one address each
  const std::size_t block = big.find("a.b@c.de ");
  for (std::size_t k = 0; k < matches.size(); ++k) {
    ASSERT_EQ(matches[k], (PiiMatch{tb::data::PiiKind::Email, block + 9 * k, 8})) << k;
  }
}

}  // namespace
