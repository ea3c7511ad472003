package ingest

import (
	"regexp"
	"testing"

	"github.com/antipersona/antipersona"
)

var identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func TestIdent(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"What is your current occupation", "what_is_your_current_occupation"},
		{"Płeć", "plec"},
		{"Thu nhập", "thu_nhap"},
		{"Đà Nẵng", "da_nang"},
		{"Wykształcenie", "wyksztalcenie"},
		{"Miejscowość / Województwo", "miejscowosc_wojewodztwo"},
		{"Số điện thoại", "so_dien_thoai"},
		{"TotalVisits", "total_visits"},
		{"userId", "user_id"},
		{"CustomerID", "customer_id"},
		{"InvoiceNo", "invoice_no"},
		{"HTMLParser", "html_parser"},
		{"AcceptedCmp3", "accepted_cmp3"},
		{"Z_CostContact", "z_cost_contact"},
		{"MntWines", "mnt_wines"},
		{"Do Not Email", "do_not_email"},
		{"  e-mail  ", "e_mail"},
		{"2nd choice", "c_2nd_choice"},
		{"3", "c_3"},
		{"ასაკი", "asaki"},            // age
		{"სქესი", "skesi"},            // sex: ქ is k in the national system
		{"ქალაქი", "kalaki"},          // city
		{"შემოსავალი", "shemosavali"}, // income
		{"ᲡᲐᲮᲔᲚᲘ", "sakheli"},         // Mtavruli capitals: name
		{"Straße", "strasse"},
		{"", "column"},
		{"???", "column"},
		{"東京", "column"},
		{"a__b", "a_b"},
		{"_leading", "leading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Ident(tt.name)
			if got != tt.want {
				t.Errorf("Ident(%q) = %q, want %q", tt.name, got, tt.want)
			}
			if !identRE.MatchString(got) {
				t.Errorf("Ident(%q) = %q does not match %s", tt.name, got, identRE)
			}
		})
	}
}

func FuzzIdent(f *testing.F) {
	for _, s := range []string{"TotalVisits", "Płeć", "ასაკი", "", "9", "\xff", "a b-c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := Ident(s); !identRE.MatchString(got) {
			t.Errorf("Ident(%q) = %q", s, got)
		}
	})
}

func TestNormKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Contact ID", "contactid"},
		{"contactId", "contactid"},
		{"contact_id", "contactid"},
		{"E-mail", "email"},
		{"Số điện thoại", "sodienthoai"},
		{"InvoiceNo", "invoiceno"},
	}
	for _, tt := range tests {
		if got := normKey(tt.in); got != tt.want {
			t.Errorf("normKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDimension(t *testing.T) {
	const (
		demo  = antipersona.DimensionDemographic
		socio = antipersona.DimensionSocioEconomic
		geo   = antipersona.DimensionGeographic
		psy   = antipersona.DimensionPsychographic
		beh   = antipersona.DimensionBehavioural
		other = antipersona.DimensionOther
	)
	tests := []struct {
		name string
		want antipersona.Dimension
	}{
		{"Age", demo}, {"Gender", demo}, {"Year_Birth", demo}, {"Wiek", demo}, {"Płeć", demo},
		{"Tuổi", demo}, {"Giới tính", demo}, {"Năm sinh", demo},
		{"Income", socio}, {"Education", socio}, {"Marital_Status", socio}, {"Kidhome", socio}, {"Teenhome", socio},
		{"What is your current occupation", socio}, {"Dochód", socio}, {"Wykształcenie", socio}, {"Zawód", socio},
		{"Stan cywilny", socio}, {"Thu nhập", socio}, {"Học vấn", socio}, {"Nghề nghiệp", socio}, {"Hôn nhân", socio},
		{"City", geo}, {"Country", geo}, {"ZIP", geo}, {"Miasto", geo}, {"Województwo", geo}, {"Thành phố", geo},
		{"Tỉnh", geo}, {"Quốc gia", geo},
		{"Interests", psy}, {"Hobby", psy}, {"What matters most to you in choosing a course", psy},
		{"Zainteresowania", psy}, {"Wartości", psy}, {"Sở thích", psy}, {"Lifestyle", psy},
		{"Lead Source", beh}, {"Lead Origin", beh}, {"TotalVisits", beh}, {"Page Views Per Visit", beh},
		{"Last Activity", beh}, {"Do Not Email", beh}, {"Do Not Call", beh}, {"MntWines", beh},
		{"NumWebPurchases", beh}, {"Recency", beh}, {"Complain", beh}, {"AcceptedCmp1", beh}, {"Response", beh},
		{"How did you hear about X Education", beh}, {"Źródło", beh}, {"Kanał", beh}, {"Nguồn", beh},
		{"Newsletter", beh}, {"Device", beh},
		{"Prospect ID", other}, {"Tags", other}, {"Z_CostContact", other}, {"Dt_Customer", other}, {"Converted", other},
		{"", other},
	}
	for _, tt := range tests {
		if got := Dimension(tt.name); got != tt.want {
			t.Errorf("Dimension(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}
