//go:build tools

// Package tools pins the command-line tools the project runs through `go run`,
// so every machine uses the version recorded in go.mod.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/onsi/ginkgo/v2/ginkgo"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
