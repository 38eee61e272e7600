package main

import (
	"strings"
	"testing"
	"time"
)

func TestSummarizeTakesRatiosWithinRounds(t *testing.T) {
	targets := []target{
		{role: roleCeiling, name: "ceiling", request: "GET page of 20"},
		{role: rolePage20, name: "emulator", request: "GET page of 20"},
		{role: rolePage1, name: "emulator", request: "GET page of 1"},
		{role: roleActivate, name: "emulator", request: "POST activate"},
		{role: rolePrism, name: "prism mock", request: "GET its page"},
	}
	at := func(rps ...float64) []result {
		out := make([]result, len(rps))
		for i, v := range rps {
			out[i] = result{rps: v, p99: time.Duration(v) * time.Microsecond, requests: 10, bytes: 10 * int64(i+1)}
		}
		return out
	}
	// The machine slows down by half in round 2: the ratios stay, the
	// medians of the figures do not.
	s := summarize(targets, [][]result{
		at(1000, 800, 900, 500, 10),
		at(500, 400, 450, 250, 5),
		at(1000, 700, 900, 700, 20),
	})
	wantRPS := []float64{1000, 700, 900, 500, 10}
	wantOf := []float64{1, 0.8, 0.9, 0.5, 0.01}
	for i, r := range s.rows {
		if r.rps != wantRPS[i] || r.ofCeiling != wantOf[i] {
			t.Errorf("%s %s: %v req/s, %v of the ceiling; want %v and %v", r.name, r.request, r.rps, r.ofCeiling, wantRPS[i], wantOf[i])
		}
	}
	if s.timesPrism != 90 {
		t.Errorf("times Prism = %v, want 90 (the median of 90, 90 and 45)", s.timesPrism)
	}

	var out strings.Builder
	s.print(&out)
	for _, want := range []string{
		"| emulator | GET page of 20 | 2 | 700 | 0.70 ms | 80% |",
		"| prism mock | GET its page | 5 | 10 | 0.01 ms | 1.0% |",
		"met    emulator, page of 20 >= 75% of the ceiling: 80%",
		"MISSED emulator, activate >= 60% of the ceiling: 50%",
		"met    emulator, page of 1 >= 20x Prism: 90.0x",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestSummaryWithoutPrism(t *testing.T) {
	targets := []target{{role: roleCeiling}, {role: rolePage1}}
	s := summarize(targets, [][]result{{{rps: 2}, {rps: 1}}, {{rps: 4}, {rps: 2}}})
	if s.timesPrism != 0 || s.rows[1].ofCeiling != 0.5 || s.rows[1].rps != 1.5 {
		t.Errorf("got %+v", s)
	}
	var out strings.Builder
	s.print(&out)
	if strings.Contains(out.String(), "Prism") {
		t.Errorf("report names Prism without a Prism measurement:\n%s", out.String())
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999.6: "1,000", 54500: "54,500", 1234567: "1,234,567"} {
		if got := thousands(in); got != want {
			t.Errorf("thousands(%v) = %q, want %q", in, got, want)
		}
	}
}
