package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	doc := `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      tags: [Certificates]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [%s]
                properties:
                  id: {type: string}
                  name: {type: string}
`
	same := write("same.yaml", strings.Replace(doc, "%s", "id", 1))
	changed := write("changed.yaml", strings.Replace(doc, "%s", "id, name", 1))
	empty := write("empty.yaml", "entries: []\n")
	badList := write("bad.yaml", "entries:\n  - {name: x}\n")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{name: "nothing differs", args: []string{"-upstream", same, "-fragment", same, "-allowlist", empty}, wantCode: 0, wantOut: "OK:"},
		{name: "a difference fails", args: []string{"-upstream", changed, "-fragment", same, "-allowlist", empty}, wantCode: 1, wantOut: "`name`"},
		{name: "no upstream", args: []string{"-fragment", same}, wantCode: 2},
		{name: "unreadable upstream", args: []string{"-upstream", filepath.Join(dir, "absent.yaml"), "-fragment", same, "-allowlist", empty}, wantCode: 2},
		{name: "invalid allow-list", args: []string{"-upstream", same, "-fragment", same, "-allowlist", badList}, wantCode: 2},
		{name: "unknown format", args: []string{"-upstream", same, "-fragment", same, "-allowlist", empty, "-format", "xml"}, wantCode: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, &stdout, &stderr); got != tt.wantCode {
				t.Errorf("exit %d, want %d; stdout %s; stderr %s", got, tt.wantCode, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout.String())
			}
		})
	}
}
