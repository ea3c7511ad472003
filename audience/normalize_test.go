package audience

import (
	"testing"
)

// Digests computed independently with coreutils, e.g.
// printf %s john.doe@example.com | sha256sum.
const (
	shaJohnDoeEmail = "836f82db99121b3481011f16b49dfa5fbc714a0d1b1b9f784a1ebbbf5b39577f" // john.doe@example.com
	shaPLPhoneE164  = "1eac5678517f9e3cabbd08af68668ce50c627e40e523e621c04fdfea1fe1b95c" // +48601234567
	shaPLPhoneMeta  = "dabf1db2d2243059d25ffb05f283e7d409ca3861b356004b9606bddcec5e724e" // 48601234567
	shaJohn         = "96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a" // john
	shaDoe          = "799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f" // doe
)

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"brief example", " John.Doe@Example.COM ", "john.doe@example.com"},
		{"already normal", "john.doe@example.com", "john.doe@example.com"},
		{"tabs and newline", "\tA@B.PL\n", "a@b.pl"},
		{"plus tag kept", "Ann+News@Gmail.com", "ann+news@gmail.com"},
		{"unicode lowercased", "ŻANETA@Przykład.PL", "żaneta@przykład.pl"},
		{"empty", "", ""},
		{"spaces only", "   ", ""},
		{"no at", "john.example.com", ""},
		{"two ats", "a@b@c", ""},
		{"nothing before", "@example.com", ""},
		{"nothing after", "john@", ""},
		{"inner space", "john doe@example.com", ""},
		{"invalid utf8", "jo\xffhn@example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeEmail(tt.in); got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, region, want string
	}{
		{"national with region", "601 234 567", "PL", "+48601234567"},
		{"lowercase region", "601-234-567", "pl", "+48601234567"},
		{"international ignores region", "+48 601 234 567", "US", "+48601234567"},
		{"00 prefix from region", "0048 601 234 567", "PL", "+48601234567"},
		{"US punctuation", "(650) 555-1212", "US", "+16505551212"},
		{"Vietnam trunk zero", "091 234 56 78", "VN", "+84912345678"},
		{"Georgia", "555 12 34 56", "GE", "+995555123456"},
		{"no region no plus", "601234567", "", ""},
		{"too short", "12", "PL", ""},
		{"letters", "call me", "PL", ""},
		{"empty", "", "PL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizePhone(tt.in, tt.region); got != tt.want {
				t.Errorf("NormalizePhone(%q, %q) = %q, want %q", tt.in, tt.region, got, tt.want)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Meta example", "Mary", "mary"},
		{"accent kept (Meta example)", "Valéry", "valéry"},
		{"hyphen apostrophe space", "  Mary-Ann O'Neil ", "maryannoneil"},
		{"Polish", "Łukasz", "łukasz"},
		{"Vietnamese", "Nguyễn Văn", "nguyễnvăn"},
		{"Georgian has no case", "ნინო", "ნინო"},
		{"Korean (Meta example)", "정", "정"},
		{"punctuation only", "-.'", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeCountry(t *testing.T) {
	tests := []struct{ in, want string }{
		{"pl", "PL"}, {" Vn ", "VN"}, {"GE", "GE"}, {"us", "US"}, {"aq", "AQ"},
		{"", ""}, {"POL", ""}, {"Poland", ""}, {"ZZ", ""}, {"P1", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCountry(tt.in); got != tt.want {
			t.Errorf("NormalizeCountry(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizePostalCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"00-950", "00-950"},
		{" wc2h   8lg ", "WC2H 8LG"}, // Google's example "WC2H 8LG"
		{"94303-5300", "94303-5300"}, // Google's ZIP+4 example
		{"0108", "0108"},
		{"", ""},
		{" - ", ""},
		{"00/950", ""},
	}
	for _, tt := range tests {
		if got := NormalizePostalCode(tt.in); got != tt.want {
			t.Errorf("NormalizePostalCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHash(t *testing.T) {
	// Expected digests: the first group from sha256sum (see the constants);
	// the second from the worked examples in Meta's customer information
	// parameters documentation
	// (https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters),
	// which sha256sum reproduces.
	tests := []struct{ in, want string }{
		{"", ""},
		{"john.doe@example.com", shaJohnDoeEmail},
		{"+48601234567", shaPLPhoneE164},
		{"48601234567", shaPLPhoneMeta},
		{"john_smith@gmail.com", "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
		{"16505551212", "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"},
		{"mary", "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"},
		{"valéry", "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"},
	}
	for _, tt := range tests {
		if got := Hash(tt.in); got != tt.want {
			t.Errorf("Hash(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMetaExamples runs the raw inputs of Meta's worked examples through our
// normalisation and checks the digests Meta documents.
func TestMetaExamples(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"email John_Smith@gmail.com", Hash(NormalizeEmail("John_Smith@gmail.com")), "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"},
		{"phone (650)555-1212", Hash(metaPhone(NormalizePhone("(650)555-1212", "US"))), "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"},
		{"fn Mary", Hash(NormalizeName("Mary")), "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"},
		{"fn Valéry", Hash(NormalizeName("Valéry")), "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"},
		{"fn 정", Hash(NormalizeName("정")), "8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		" John.Doe@Example.COM ", "a@b", "@", "a@@b", "601 234 567", "+48 601 234 567",
		"(650) 555-1212", "0048601234567", "+1", "tel:+1-650-555-1212", "\xff@\xfe",
		"+390612345678", "İSTANBUL@X.TR", "+800 1234 5678",
	} {
		f.Add(s, "PL")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if e := NormalizeEmail(s); e != "" {
			if again := NormalizeEmail(e); again != e {
				t.Errorf("NormalizeEmail not idempotent: %q -> %q -> %q", s, e, again)
			}
		}
		if p := NormalizePhone(s, region); p != "" {
			if p[0] != '+' {
				t.Errorf("NormalizePhone(%q, %q) = %q, not E.164", s, region, p)
			}
			if again := NormalizePhone(p, region); again != p {
				t.Errorf("NormalizePhone not idempotent: %q -> %q -> %q", s, p, again)
			}
		}
		if n := NormalizeName(s); NormalizeName(n) != n {
			t.Errorf("NormalizeName not idempotent: %q -> %q", s, n)
		}
		if c := NormalizeCountry(s); NormalizeCountry(c) != c {
			t.Errorf("NormalizeCountry not idempotent: %q -> %q", s, c)
		}
		if z := NormalizePostalCode(s); NormalizePostalCode(z) != z {
			t.Errorf("NormalizePostalCode not idempotent: %q -> %q", s, z)
		}
	})
}
