//go:build tools

// Package tools pins the command-line tools the project runs through `go run`,
// so every machine uses the version recorded in go.mod. actionlint is the one
// exception: it needs a pre-release of go.yaml.in/yaml/v4 whose API kin-openapi's
// v4.0.0 replaced, so the Makefile runs it as `go run ...@version` instead.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "github.com/onsi/ginkgo/v2/ginkgo"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
