package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at release: go build -ldflags "-X main.version=v1.2.3".
// Empty, it comes from the build information, so that
// `go install github.com/certcontract/certcontract/contract/cmd/emulator@v1.2.3`
// also knows its version.
var version string

// buildVersion is the version the command reports, in its health answer,
// its first log line and -version.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}

func versionLine() string {
	return fmt.Sprintf("emulator %s (%s, %s/%s)", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
