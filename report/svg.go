package report

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The charts are inline SVG written here. Every text in them is escaped
// with esc; every chart has role="img", an aria-label and a <title>, and
// prints its values as text, so that colour never carries meaning alone.

// Colours (Okabe–Ito, readable with colour-vision deficiencies).
const (
	colBlue    = "#0072b2"
	colOrange  = "#e69f00"
	colSky     = "#56b4e9"
	colGreen   = "#009e73"
	colVermil  = "#d55e00"
	colGrey    = "#8a8f98"
	colInk     = "#1f2430"
	colMuted   = "#5b6270"
	colGridLin = "#d9dde3"
)

var actionColour = map[string]string{
	"activate": colGreen, "nurture": colSky, "maintain": colBlue, "organic_only": colOrange, "exclude": colVermil,
}

func esc(s string) string { return html.EscapeString(s) }

// px formats a coordinate.
func px(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// clip shortens s to about n average Latin characters, ending with "…".
// Georgian letters count as 1.4 (they are wider in the usual fonts).
func clip(s string, n int) string {
	w := func(r rune) float64 {
		if r >= 0x10a0 && r <= 0x10ff || r >= 0x1c90 && r <= 0x1cbf {
			return 1.4
		}
		return 1
	}
	total := 0.0
	for _, r := range s {
		total += w(r)
	}
	if total <= float64(n) {
		return s
	}
	out, used := []rune{}, 1.0 // room for the ellipsis
	for _, r := range s {
		if used+w(r) > float64(n) {
			break
		}
		out = append(out, r)
		used += w(r)
	}
	return string(out) + "…"
}

type svgBuf struct{ strings.Builder }

func (b *svgBuf) f(format string, a ...any) { fmt.Fprintf(b, format, a...) }

func (b *svgBuf) open(w, h float64, label, class string) {
	b.f(`<svg class="chart %s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s" font-family="inherit" font-size="12"><title>%s</title>`,
		class, px(w), px(h), px(w), px(h), esc(label), esc(label))
}

func (b *svgBuf) text(x, y float64, anchor, cls, s string) {
	b.f(`<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, px(x), px(y), anchor, cls, esc(s))
}

func (b *svgBuf) html() template.HTML {
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text is escaped by esc
}

// niceStep returns a step of 1, 2 or 5 × 10^k close to span/n.
func niceStep(span float64, n int) float64 {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch r := raw / mag; {
	case r <= 1:
		return mag
	case r <= 2:
		return 2 * mag
	case r <= 5:
		return 5 * mag
	default:
		return 10 * mag
	}
}

// domain returns the nice axis range that holds 0 and every value, and its
// step.
func domain(values []float64) (lo, hi, step float64) {
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if hi == lo {
		hi = lo + 1
	}
	step = niceStep(hi-lo, 4)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// axis draws vertical grid lines with tick labels under the plot and the
// axis title below them.
func (b *svgBuf) axis(x0, x1, top, bottom, lo, hi, step float64, tick func(float64) string, title string) {
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	for v := lo; v <= hi+step/2; v += step {
		x := scale(v)
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, px(x), px(top), px(x), px(bottom), colGridLin)
		b.text(x, bottom+14, "middle", "tick", tick(v))
	}
	zx := scale(0)
	b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"/>`, px(zx), px(top), px(zx), px(bottom), colInk)
	if title != "" {
		b.text((x0+x1)/2, bottom+30, "middle", "axis", title)
	}
}

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label  string
	Value  float64
	Text   string // the value as printed
	Colour string
}

type barOpts struct {
	Width, LabelW, RowH float64
	ValueW              float64              // room for the printed values; 0 means 120
	Axis                string               // axis title
	Tick                func(float64) string // tick labels
	Class               string
}

// barChart draws one horizontal bar per item, labelled on the left, its
// value printed after it, on an axis that holds 0 (negative values go left).
func barChart(title string, bars []bar, o barOpts) template.HTML {
	if o.RowH == 0 {
		o.RowH = 26
	}
	valueW := o.ValueW
	if valueW == 0 {
		valueW = 120
	}
	x0, x1 := o.LabelW+10, o.Width-valueW
	top := 6.0
	bottom := top + o.RowH*float64(len(bars))
	h := bottom + 40
	if o.Axis == "" {
		h = bottom + 24
	}
	vals := make([]float64, len(bars))
	for i, br := range bars {
		vals[i] = br.Value
	}
	lo, hi, step := domain(vals)
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	var b svgBuf
	b.open(o.Width, h, title, o.Class)
	b.axis(x0, x1, top, bottom, lo, hi, step, o.Tick, o.Axis)
	maxLabel := int(o.LabelW / 6.5)
	for i, br := range bars {
		y := top + float64(i)*o.RowH
		bh := o.RowH - 8
		a, z := scale(0), scale(br.Value)
		if z < a {
			a, z = z, a
		}
		b.f(`<g><title>%s: %s</title>`, esc(br.Label), esc(br.Text))
		b.text(o.LabelW, y+bh/2+8, "end", "label", clip(br.Label, maxLabel))
		b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, px(a), px(y+4), px(math.Max(z-a, 1)), px(bh), br.Colour)
		b.text(math.Max(z, scale(0))+4, y+bh/2+8, "start", "value", br.Text)
		b.WriteString(`</g>`)
	}
	return b.html()
}

// series is one series of a grouped bar chart.
type series struct {
	Name   string
	Colour string
}

// group is one group of a grouped bar chart: a value and its text per
// series.
type group struct {
	Label  string
	Values []float64
	Texts  []string
}

// groupedBarChart draws, per group, one bar per series; every bar prints
// "series: value", so the series is named in words as well as by colour.
func groupedBarChart(title string, ss []series, groups []group, o barOpts) template.HTML {
	bh := 14.0
	rowH := bh*float64(len(ss)) + 14
	valueW := 190.0
	x0, x1 := o.LabelW+10, o.Width-valueW
	top := 22.0
	bottom := top + rowH*float64(len(groups))
	h := bottom + 40
	var vals []float64
	for _, g := range groups {
		vals = append(vals, g.Values...)
	}
	lo, hi, step := domain(vals)
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	var b svgBuf
	b.open(o.Width, h, title, o.Class)
	// legend
	lx := x0
	for _, s := range ss {
		b.f(`<rect x="%s" y="4" width="12" height="12" fill="%s"/>`, px(lx), s.Colour)
		b.text(lx+16, 14, "start", "legend", s.Name)
		lx += 24 + 7*float64(utf8.RuneCountInString(s.Name))
	}
	b.axis(x0, x1, top, bottom, lo, hi, step, o.Tick, o.Axis)
	maxLabel := int(o.LabelW / 6.5)
	for i, g := range groups {
		y := top + float64(i)*rowH + 7
		b.f(`<g><title>%s</title>`, esc(g.Label))
		b.text(o.LabelW, y+rowH/2-2, "end", "label", clip(g.Label, maxLabel))
		for k, s := range ss {
			if k >= len(g.Values) {
				break
			}
			by := y + float64(k)*bh
			a, z := scale(0), scale(g.Values[k])
			if z < a {
				a, z = z, a
			}
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, px(a), px(by), px(math.Max(z-a, 1)), px(bh-2), s.Colour)
			b.text(math.Max(z, scale(0))+4, by+bh-4, "start", "value small", s.Name+": "+g.Texts[k])
		}
		b.WriteString(`</g>`)
	}
	return b.html()
}

// cell is one cell of a grid chart.
type cell struct {
	Lines  []string // printed, the first in bold
	Title  string   // the full description (tooltip and screen readers)
	Weight float64  // 0..1: the shade
	Mark   bool     // outlined (the diagonal of a migration matrix)
	Empty  bool
}

// gridChart draws a table of shaded cells with row labels on the left,
// column labels on top and axis titles; every cell prints its lines.
func gridChart(title, rowAxis, colAxis string, rows, cols []string, cells [][]cell, cw, ch float64, class string) template.HTML {
	rl := 150.0
	left := rl + 26
	top := 40.0
	w := left + cw*float64(len(cols)) + 8
	h := top + ch*float64(len(rows)) + 8
	var b svgBuf
	b.open(w, h, title, class)
	b.text(left+cw*float64(len(cols))/2, 13, "middle", "axis", colAxis)
	b.f(`<text transform="translate(12 %s) rotate(-90)" text-anchor="middle" class="axis">%s</text>`, px(top+ch*float64(len(rows))/2), esc(rowAxis))
	maxCol := int(cw / 6)
	for j, c := range cols {
		b.text(left+cw*float64(j)+cw/2, top-8, "middle", "label", clip(c, maxCol))
	}
	for i, r := range rows {
		y := top + ch*float64(i)
		b.text(left-6, y+ch/2+4, "end", "label", clip(r, int(rl/6.5)))
		for j := range cols {
			x := left + cw*float64(j)
			var c cell
			if i < len(cells) && j < len(cells[i]) {
				c = cells[i][j]
			}
			fill := shade(c.Weight)
			ink := inkOn(fill)
			if c.Empty {
				fill = "#f4f5f7"
			}
			b.f(`<g>`)
			if c.Title != "" {
				b.f(`<title>%s</title>`, esc(c.Title))
			}
			stroke, sw := "#ffffff", "2"
			if c.Mark {
				stroke, sw = colInk, "2.5"
			}
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="%s" stroke-width="%s"/>`, px(x), px(y), px(cw), px(ch), fill, stroke, sw)
			n := float64(len(c.Lines))
			for k, line := range c.Lines {
				cls := "cell"
				if k == 0 {
					cls = "cell strong"
				}
				ly := y + ch/2 - (n-1)*7 + float64(k)*14 + 4
				b.f(`<text x="%s" y="%s" text-anchor="middle" class="%s" fill="%s">%s</text>`, px(x+cw/2), px(ly), cls, ink, esc(clip(line, maxCol)))
			}
			b.WriteString(`</g>`)
		}
	}
	return b.html()
}

// inkOn returns a text colour readable on the fill colour c ("#rrggbb"):
// white on dark fills, ink on light ones (relative luminance below 0.3).
func inkOn(c string) string {
	var r, g, bl int
	if _, err := fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &bl); err != nil {
		return colInk
	}
	lin := func(v int) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	if 0.2126*lin(r)+0.7152*lin(g)+0.0722*lin(bl) < 0.3 {
		return "#ffffff"
	}
	return colInk
}

// shade maps 0..1 to a sequential blue.
func shade(w float64) string {
	if math.IsNaN(w) || w < 0 {
		w = 0
	}
	if w > 1 {
		w = 1
	}
	lerp := func(a, b float64) int { return int(math.Round(a + (b-a)*w)) }
	return fmt.Sprintf("#%02x%02x%02x", lerp(0xef, 0x08), lerp(0xf3, 0x45), lerp(0xff, 0x94))
}

// interval is one estimate with its interval.
type interval struct {
	Label          string
	Est, Low, High float64
	Text           string // printed beside the interval
	Colour         string
	RefValue       float64 // a reference mark (the base), drawn when HasRef
	RefLabel       string
	HasRef         bool
}

// intervalChart draws each estimate as a dot on a line from Low to High,
// with an optional dashed reference mark per row.
func intervalChart(title string, rows []interval, o barOpts) template.HTML {
	rowH := 34.0
	valueW := 150.0
	x0, x1 := o.LabelW+10, o.Width-valueW
	top := 8.0
	for _, r := range rows {
		if r.HasRef {
			top = 24 // room for the reference label above the first row
		}
	}
	bottom := top + rowH*float64(len(rows))
	h := bottom + 40
	var vals []float64
	for _, r := range rows {
		vals = append(vals, r.Low, r.High, r.Est)
		if r.HasRef {
			vals = append(vals, r.RefValue)
		}
	}
	lo, hi, step := domain(vals)
	scale := func(v float64) float64 { return x0 + (v-lo)/(hi-lo)*(x1-x0) }
	var b svgBuf
	b.open(o.Width, h, title, o.Class)
	b.axis(x0, x1, top, bottom, lo, hi, step, o.Tick, o.Axis)
	for i, r := range rows {
		y := top + float64(i)*rowH + rowH/2
		b.f(`<g><title>%s: %s</title>`, esc(r.Label), esc(r.Text))
		b.text(o.LabelW, y+4, "end", "label", clip(r.Label, int(o.LabelW/6.5)))
		if r.HasRef {
			rx := scale(r.RefValue)
			b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2" stroke-dasharray="4 3"/>`, px(rx), px(y-13), px(rx), px(y+13), colMuted)
			b.text(rx, y-17, "middle", "tick", r.RefLabel)
		}
		a, z := scale(r.Low), scale(r.High)
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="3"/>`, px(a), px(y), px(z), px(y), r.Colour)
		for _, x := range []float64{a, z} {
			b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`, px(x), px(y-7), px(x), px(y+7), r.Colour)
		}
		b.f(`<circle cx="%s" cy="%s" r="5.5" fill="%s" stroke="#ffffff" stroke-width="1.5"/>`, px(scale(r.Est)), px(y), r.Colour)
		b.text(math.Max(z, scale(0))+8, y+4, "start", "value", r.Text)
		b.WriteString(`</g>`)
	}
	return b.html()
}

// segment is one part of a stacked bar.
type segment struct {
	Label, Text string
	Inner       string // printed inside the segment when it is wide enough
	Value       float64
	Colour      string
}

// stackedBar draws one 100 % bar split into the segments, the share
// printed inside the wide ones, and a legend that prints every segment's
// label and text.
func stackedBar(title string, segs []segment, width float64) template.HTML {
	total := 0.0
	for _, s := range segs {
		total += math.Max(s.Value, 0)
	}
	legendRows := (len(segs) + 1) / 2
	h := 44 + 20*float64(legendRows)
	var b svgBuf
	b.open(width, h, title, "stacked")
	x := 0.0
	for _, s := range segs {
		w := 0.0
		if total > 0 {
			w = math.Max(s.Value, 0) / total * width
		}
		b.f(`<g><title>%s: %s</title><rect x="%s" y="4" width="%s" height="30" fill="%s" stroke="#ffffff"/>`, esc(s.Label), esc(s.Text), px(x), px(w), s.Colour)
		if s.Inner != "" && w > 48 {
			b.f(`<text x="%s" y="24" text-anchor="middle" class="cell strong" fill="%s">%s</text>`, px(x+w/2), inkOn(s.Colour), esc(s.Inner))
		}
		b.WriteString(`</g>`)
		x += w
	}
	for i, s := range segs {
		lx := float64(i%2) * width / 2
		ly := 44 + 20*float64(i/2)
		b.f(`<rect x="%s" y="%s" width="12" height="12" fill="%s"/>`, px(lx), px(ly), s.Colour)
		b.text(lx+18, ly+10, "start", "legend", s.Label+": "+s.Text)
	}
	return b.html()
}
