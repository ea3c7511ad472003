// Package audience turns decided contacts into audience files and deliveries
// for ad platforms and downstream tools: hashed CSV, JSON and Parquet
// exports, a Google Ads Customer Match file, a Meta (Facebook) Custom
// Audiences customer list, Segment track events, and signed webhook batches.
// It takes plain slices ([]Row) and writes to an io.Writer; it knows nothing
// of stores or of the command line.
//
// # Personal data
//
// A Member carries raw personal data as stored (email, phone, names, country,
// postal code). No writer in this package emits a raw email, phone number or
// name: they are normalised and then hashed with SHA-256 (lowercase hex, see
// Hash). Country and postal code are written in clear where a format asks for
// them, because the platforms require them unhashed (Google) or because we
// chose so (Meta, see WriteMeta). A value that is present but does not
// normalise is left empty and counted in Stats.Dropped; an empty value is
// never hashed (the hash of "" would match nobody and leak nothing useful).
//
// # Normalisation
//
//   - Email (NormalizeEmail): surrounding white space trimmed, lowercased;
//     rejected unless it has exactly one '@' with text on both sides and no
//     white space inside.
//   - Phone (NormalizePhone): parsed with libphonenumber
//     (github.com/nyaruka/phonenumbers), the member's country serving as the
//     default region for numbers written without a country code, and
//     formatted as E.164 ("+48601234567"). Google hashes the E.164 form;
//     Meta asks for digits only with the country code, so the Meta writer
//     hashes it without the '+' ("48601234567").
//   - First and last name (NormalizeName): lowercased, white space,
//     punctuation and symbols removed, letters with accents kept (UTF-8).
//     Google asks for lowercase with white space removed and, for last names,
//     no punctuation; Meta asks for lowercase without punctuation, special
//     characters in UTF-8 ("Valéry" becomes "valéry").
//   - Country (NormalizeCountry): ISO 3166-1 alpha-2. Our own formats and
//     Google write it uppercase ("PL"); Meta asks for lowercase ("pl").
//   - Postal code (NormalizePostalCode): trimmed, uppercased, inner white
//     space collapsed ("WC2H 8LG", "00-950", "94303-5300"). Google accepts
//     US ZIP and ZIP+4 and international codes as written; Meta asks for
//     lowercase without white space and, in the US, the first five digits
//     only, which WriteMeta applies.
//
// # Formats
//
// WriteCSV, WriteJSON and WriteParquet write contact_id, email_sha256,
// phone_sha256, country, postal_code, action, expected_value, personas and,
// when any row has an Op, op.
//
// WriteGoogle writes the Customer Match CSV with the header
// "Email,Phone,First Name,Last Name,Country,Zip"; WriteMeta writes the Custom
// Audiences customer list with the header "email,phone,fn,ln,zip,country".
// Both platforms add and remove members through separate uploads, so these
// two writers ignore Row.Op: the caller writes adds and removes to two
// files.
//
// WriteSegment writes Segment track events ("Audience Entered",
// "Audience Exited") as JSON Lines. Webhook posts signed JSON batches.
//
// # Sources
//
// Google Ads Customer Match:
//   - https://support.google.com/google-ads/answer/7659867 (Format your
//     customer data file: header names Email, Phone, First Name, Last Name,
//     Country, Zip; CSV in ASCII or UTF-8; SHA-256)
//   - https://g.co/wudy8r (Google's hashed upload template and its
//     instructions: lowercase, remove extra spaces from emails and names,
//     phones in E.164 before hashing)
//   - https://developers.google.com/display-video/api/guides/tasks/upload-customer-match-audience/prepare-data
//     (which fields are hashed; zip and country are not)
//   - https://developers.google.com/google-ads/api/reference/rpc/latest/OfflineUserAddressInfo
//     (country_code is ISO-3166-1 alpha-2; last name without punctuation)
//
// Meta Custom Audiences:
//   - https://www.facebook.com/business/help/2082575038703844 (How to format
//     a customer list: column headers email, phone, fn, ln, zip, country, ...)
//   - https://developers.facebook.com/docs/marketing-api/audiences/guides/custom-audiences
//     (Hashing and Normalizing Data; schema keys EMAIL, PHONE, FN, LN, ZIP,
//     COUNTRY; restrictions on audiences suggesting health or financial
//     status, see SensitiveName)
//   - https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters
//     (normalisation rules with worked examples and expected SHA-256 digests,
//     used as test vectors)
//
// Segment: https://segment.com/docs/connections/spec/track/ and
// https://segment.com/docs/connections/spec/common/ (type, event, userId,
// messageId, timestamp, properties).
package audience
