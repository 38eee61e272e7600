package main

import (
	"bytes"
	"debug/buildinfo"
	"os"
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
	// -trimpath keeps -ldflags out of the build information, so the version
	// -X put in is looked for in the binary itself: the linker stores the
	// string as it is. (Only running the binary proves it reached the right
	// variable; runHost does that for this machine's.)
	if data, err := os.ReadFile(b.Path); err != nil {
		r.problem("%s: %v", name, err)
	} else if !bytes.Contains(data, []byte(version)) {
		r.problem("%s: the version %s is nowhere in it", name, version)
	}
	if fi, err := os.Stat(b.Path); err != nil {
		r.problem("%s: %v", name, err)
	} else if !fi.ModTime().Equal(commitTime) {
		r.problem("%s: dated %s, want the commit's time %s", name, fi.ModTime().UTC().Format(time.RFC3339), commitTime.UTC().Format(time.RFC3339))
	}
}
