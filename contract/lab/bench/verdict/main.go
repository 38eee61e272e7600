// Command verdict reads make bench's output (go test -bench, several counts
// of each /impl) and says whether this project's client met its targets
// against the floor: time per page within 15% of the floor's (medians over
// the counts, measured in the same run) and at most 260 allocations per
// page. It reports, and fails only on input it cannot read: a shared
// machine moves the times, and a benchmark run is a measurement, not a test.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
)

// The targets of issue 24.
const (
	maxTimeOverFloor = 0.15
	maxAllocs        = 260
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: verdict <bench.out>")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "verdict:", err)
		os.Exit(2)
	}
	defer f.Close()
	if err := run(f, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "verdict:", err)
		os.Exit(1)
	}
}

// figures are one implementation's results, one per count.
type figures struct{ nsPerOp, allocs []float64 }

func run(in io.Reader, out io.Writer) error {
	byImpl := map[string]*figures{}
	r := benchfmt.NewReader(in, "bench.out")
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		impl := ""
		for _, part := range strings.Split(string(res.Name), "/") {
			if v, ok := strings.CutPrefix(part, "impl="); ok {
				// The name ends in -GOMAXPROCS: ListPage/impl=floor-2.
				if i := strings.LastIndex(v, "-"); i > 0 {
					v = v[:i]
				}
				impl = v
			}
		}
		if impl == "" {
			continue
		}
		f := byImpl[impl]
		if f == nil {
			f = &figures{}
			byImpl[impl] = f
		}
		if v, ok := res.Value("sec/op"); ok {
			f.nsPerOp = append(f.nsPerOp, v*1e9)
		}
		if v, ok := res.Value("allocs/op"); ok {
			f.allocs = append(f.allocs, v)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	floor, ours := byImpl["floor"], byImpl["certcontract"]
	if floor == nil || ours == nil || len(floor.nsPerOp) == 0 || len(ours.nsPerOp) == 0 || len(ours.allocs) == 0 {
		return errors.New("no figures for both impl=floor and impl=certcontract (run with -benchmem)")
	}
	over := median(ours.nsPerOp)/median(floor.nsPerOp) - 1
	allocs := median(ours.allocs)
	fmt.Fprintf(out, "\ntargets (reported, not asserted; %d counts, medians):\n", len(ours.nsPerOp))
	verdict(out, fmt.Sprintf("certcontract within %.0f%% of the floor's time", 100*maxTimeOverFloor), over <= maxTimeOverFloor,
		fmt.Sprintf("%+.1f%% (%.1f µs against %.1f µs)", 100*over, median(ours.nsPerOp)/1e3, median(floor.nsPerOp)/1e3))
	verdict(out, fmt.Sprintf("certcontract at most %d allocations per page", maxAllocs), allocs <= maxAllocs, fmt.Sprintf("%.0f", allocs))
	return nil
}

func verdict(w io.Writer, what string, met bool, got string) {
	word := "met   "
	if !met {
		word = "MISSED"
	}
	fmt.Fprintf(w, "  %s %s: %s\n", word, what, got)
}

func median(v []float64) float64 {
	v = slices.Sorted(slices.Values(v))
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}
