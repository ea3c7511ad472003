package generate

import (
	"math"
	"strconv"
)

// The demo shop sells clothing basics, fashion, audio, yoga gear, home goods
// and gifts. Prices are in PLN; every product belongs to one category.
const (
	catAudio = iota
	catTrousers
	catKnitwear
	catFashion
	catYoga
	catHome
	catGifts
	numCategories
)

var categoryNames = [numCategories]string{"audio", "trousers", "knitwear", "fashion", "yoga", "home", "gifts"}

type category struct {
	n        int     // products
	lo, hi   float64 // price range (PLN)
	margin   float64 // gross margin rate on list price
	sizeable bool    // clothing: ordered in several sizes by returners
}

var categories = [numCategories]category{
	catAudio:    {n: 30, lo: 149, hi: 2499, margin: 0.30},
	catTrousers: {n: 25, lo: 89, hi: 249, margin: 0.50, sizeable: true},
	catKnitwear: {n: 25, lo: 59, hi: 299, margin: 0.48, sizeable: true},
	catFashion:  {n: 40, lo: 79, hi: 449, margin: 0.45, sizeable: true},
	catYoga:     {n: 25, lo: 39, hi: 349, margin: 0.45},
	catHome:     {n: 30, lo: 29, hi: 499, margin: 0.40},
	catGifts:    {n: 25, lo: 29, hi: 299, margin: 0.42},
}

// product is one catalogue item; products of a category are sorted by price.
type product struct {
	id    string // SKU-1000
	path  string // /p/sku-1000
	cat   int
	price int64 // cents
}

var (
	catalog  []product
	catFirst [numCategories + 1]int // products of category c are catalog[catFirst[c]:catFirst[c+1]]
)

func init() {
	id := 1000
	for c := range numCategories {
		catFirst[c] = len(catalog)
		k := categories[c]
		for i := range k.n {
			x := float64(i) / float64(k.n-1)
			p := k.lo + (k.hi-k.lo)*math.Pow(x, 1.6)
			cents := int64(math.Round(p/10)*10)*100 - 1 // 149.99
			s := strconv.Itoa(id)
			catalog = append(catalog, product{id: "SKU-" + s, path: "/p/sku-" + s, cat: c, price: cents})
			id++
		}
	}
	catFirst[numCategories] = len(catalog)
}

// pickProduct returns a catalogue index in category cat. skew < 1 favours
// expensive products, > 1 cheap ones, 1 is uniform.
func pickProduct(g *rng, cat int, skew float64) int {
	n := catFirst[cat+1] - catFirst[cat]
	u := g.f()
	if skew != 1 {
		u = math.Pow(u, skew)
	}
	i := int(u * float64(n))
	if i >= n {
		i = n - 1
	}
	return catFirst[cat] + i
}
