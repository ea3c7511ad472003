package persona

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

func TestAvatar(t *testing.T) {
	base := AvatarSpec{Key: "per-1", Title: `Anna <"retired"> & co`, Gender: "female", Age: 64, Interests: []string{"gardening", "reading"}}
	svg := Avatar(base)
	// Well-formed XML with an escaped accessible title.
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
	}
	if !strings.Contains(svg, "<title>Anna &lt;&#34;retired&#34;&gt; &amp; co</title>") {
		t.Errorf("title not escaped: %s", svg)
	}
	if svg != Avatar(base) {
		t.Error("not deterministic")
	}
	for _, want := range []string{"#b8b8b8" /* grey hair from 60 */, `r="7"` /* glasses for reading */, "#16a34a" /* leaf */} {
		if !strings.Contains(svg, want) {
			t.Errorf("avatar lacks %q", want)
		}
	}
	if strings.Contains(svg, "negative") {
		t.Error("positive persona with a negative badge")
	}
	neg := base
	neg.Negative, neg.Age, neg.Interests = true, math.NaN(), nil
	if s := Avatar(neg); !strings.Contains(s, ">negative</text>") || strings.Contains(s, "#b8b8b8") {
		t.Errorf("negative avatar: %s", s)
	}
	other := base
	other.Key = "per-2"
	if Avatar(other) == svg {
		t.Error("different personas got the same avatar")
	}
}
