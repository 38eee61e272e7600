//go:build tools

// Package release pins GoReleaser, which builds the release. It lives in
// this nested module so that its large dependency tree never enters the main
// module's go.mod; the Makefile runs it from the repository root with
// `go run -modfile=contract/release/go.mod`.
package release

import _ "github.com/goreleaser/goreleaser/v2"
