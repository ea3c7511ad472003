// Command antipersona tells a marketing team, from its own data, who its
// customers really are, who only looks like one, and whom to stop paying for.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// ANTIPERSONA_CPUPROFILE=FILE writes a CPU profile of the run (for
	// benchmarks; see BENCHMARKS.md).
	if path := os.Getenv("ANTIPERSONA_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "error: cpu profile: %v\n", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(os.Stderr, "error: cpu profile: %v\n", err)
			os.Exit(1)
		}
		code := NewMain().Run(ctx, os.Args[1:])
		pprof.StopCPUProfile()
		f.Close()
		stop()
		os.Exit(code)
	}
	code := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
