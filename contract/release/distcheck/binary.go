package main

import (
	"debug/buildinfo"
	"os"
	"strings"
	"time"
)

// checkBinary reads how the binary was built from its build information:
// what reproducibility and the version depend on.
func checkBinary(r *report, b artifact, version string, commitTime time.Time) {
	name := b.fileName() + " (" + b.platform() + ")"
	info, err := buildinfo.ReadFile(b.Path)
	if err != nil {
		r.problem("%s: %v", name, err)
		return
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	for key, want := range map[string]string{
		"GOOS":        b.Goos,
		"GOARCH":      b.Goarch,
		"CGO_ENABLED": "0",
		"-trimpath":   "true",
	} {
		if got := settings[key]; got != want {
			r.problem("%s: built with %s=%q, want %q", name, key, got, want)
		}
	}
	// A package's version variable: main's, or the one a test binary keeps
	// in the package it is about (certcontract-contract's runner).
	if ldflags := settings["-ldflags"]; !strings.Contains(ldflags, ".version="+version+" ") && !strings.HasSuffix(ldflags, ".version="+version) {
		r.problem("%s: -ldflags %q set no version=%s", name, ldflags, version)
	}
	if fi, err := os.Stat(b.Path); err != nil {
		r.problem("%s: %v", name, err)
	} else if !fi.ModTime().Equal(commitTime) {
		r.problem("%s: dated %s, want the commit's time %s", name, fi.ModTime().UTC().Format(time.RFC3339), commitTime.UTC().Format(time.RFC3339))
	}
}
