package audience

import "testing"

func TestSensitiveName(t *testing.T) {
	tests := []struct {
		lang, name string
		term       string // "" when the name is not sensitive
	}{
		// English.
		{"en", "Debt consolidation prospects", "debt"},
		{"en", "PAYDAY LOAN leads", "loan"},
		{"en", "Customers with low income", "low income"},
		{"en", "low-income households", "low-income"},
		{"en", "Good credit score", "credit score"},
		{"en", "Expecting: pregnancy care", "pregnan"},
		{"en", "Diabetics Q3", "diabet"},
		{"en", "Bankruptcy filers", "bankrupt"},
		{"en", "Insolvency 2026", "insolven"},
		{"en", "Wheelchair users", "wheelchair"},
		{"en", "High-value repeat buyers", ""},
		{"en", "Lapsed customers PL", ""},
		{"en", "Hive owners", ""},
		{"en", "Default audience", ""},
		// Polish, with and without diacritics, inflected.
		{"pl", "Zadłużeni klienci", "zadluz"},
		{"pl", "ZADLUZENIE > 10k", "zadluz"},
		{"pl", "Klienci z kredytem hipotecznym", "kredyt"},
		{"pl", "Chwilówki – remarketing", "chwilowk"},
		{"pl", "Kobiety w ciąży", "ciazy"},
		{"pl", "Osoby niepełnosprawne", "niepelnospraw"},
		{"pl", "Niskie dochody", "nisk dochod"},
		{"pl", "Upadłość konsumencka", "upadlos"},
		{"pl", "Długi weekend majowy", ""},
		{"pl", "Biedronka shoppers", ""},
		// Vietnamese, with and without diacritics.
		{"vi", "Khách hàng nợ xấu", "no xau"},
		{"vi", "khach hang no xau", "no xau"},
		{"vi", "Người có thu nhập thấp", "thu nhap thap"},
		{"vi", "Phụ nữ mang thai", "mang thai"},
		{"vi", "Điểm tín dụng cao", "diem tin dung"},
		{"vi", "Khoản vay tiêu dùng", "khoan vay"},
		{"vi", "Khách hàng thân thiết", ""},
		{"vi", "No more spam", ""},
		// Georgian.
		{"ka", "მომხმარებლები ვალით და ვალებით", "ვალებ"},
		{"ka", "სესხის მქონე კლიენტები", "სესხ"},
		{"ka", "დაბალი შემოსავლის ოჯახები", "დაბალი შემოსავ"},
		{"ka", "ორსული ქალები", "ორსულ"},
		{"ka", "დიაბეტით დაავადებულები", "დაავადებ"}, // first in the term list
		{"ka", "დიაბეტის მქონე", "დიაბეტ"},
		{"ka", "ერთგული მომხმარებლები", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.name, func(t *testing.T) {
			term, ok := SensitiveName(tt.name)
			if ok != (tt.term != "") || term != tt.term {
				t.Errorf("SensitiveName(%q) = %q, %v; want %q, %v", tt.name, term, ok, tt.term, tt.term != "")
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ZAŻÓŁĆ GĘŚLĄ JAŹŃ", "zazolc gesla jazn"},
		{"Nợ xấu Điểm", "no xau diem"},
		{"e\u0301", "e"}, // decomposed é
		{"ნინო", "ნინო"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
