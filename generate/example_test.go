package generate_test

import (
	"context"
	"fmt"
	"os"

	"github.com/antipersona/antipersona/generate"
)

func ExampleShop() {
	dir, err := os.MkdirTemp("", "shop-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	sum, err := generate.Shop(context.Background(), generate.Options{Contacts: 500, Seed: 1, Out: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("contacts:", sum.Contacts)
	fmt.Println("build as of:", sum.Period1End, "then", sum.Period2End)
	// Output:
	// contacts: 500
	// build as of: 2025-06-30 then 2025-12-31
}

func ExampleArchetypes() {
	for _, a := range generate.Archetypes()[:3] {
		fmt.Printf("%s negative=%v share=%.3f\n", a.Name, a.Negative, a.Share)
	}
	// Output:
	// premium_considered negative=false share=0.100
	// loyal_regular negative=false share=0.085
	// seasonal_gift negative=false share=0.095
}
