package main

import (
	"strings"
	"testing"
)

func TestVerdict(t *testing.T) {
	in := `goos: linux
BenchmarkListPage/impl=floor-2         	    3991	    300000 ns/op	   30202 B/op	     228 allocs/op
BenchmarkListPage/impl=certcontract-2  	    5304	    330000 ns/op	   33826 B/op	     256 allocs/op
BenchmarkListPage/impl=openai-go-2     	    2341	    690017 ns/op	  117962 B/op	     927 allocs/op
BenchmarkListPage/impl=floor-2         	    3991	    200000 ns/op	   30202 B/op	     228 allocs/op
BenchmarkListPage/impl=certcontract-2  	    5304	    260000 ns/op	   33826 B/op	     256 allocs/op
BenchmarkListPage/impl=floor-2         	    3991	    250000 ns/op	   30202 B/op	     228 allocs/op
BenchmarkListPage/impl=certcontract-2  	    5304	    300000 ns/op	   33826 B/op	     261 allocs/op
`
	var out strings.Builder
	if err := run(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"MISSED certcontract within 15% of the floor's time: +20.0% (300.0 µs against 250.0 µs)",
		"met    certcontract at most 260 allocations per page: 256",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("verdict lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(strings.NewReader("BenchmarkX 1 2 ns/op\n"), &out); err == nil {
		t.Error("no error without the floor and certcontract")
	}
}
