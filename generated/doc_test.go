package generated_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// docs/client.md sends readers to go doc ./generated Option for every option
// New takes; an option added without a line there would be missed.
func TestOptionDocListsEveryOption(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var optionDoc string
	var options []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.Name == "Option" {
						optionDoc = d.Doc.Text()
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil && strings.HasPrefix(d.Name.Name, "With") && d.Type.Results != nil {
					if res, ok := d.Type.Results.List[0].Type.(*ast.Ident); ok && (res.Name == "Option" || res.Name == "ClientOption") {
						options = append(options, d.Name.Name)
					}
				}
			}
		}
	}
	if optionDoc == "" || len(options) < 10 {
		t.Fatalf("found the Option doc %q and options %v", optionDoc, options)
	}
	for _, o := range options {
		if !strings.Contains(optionDoc, "["+o+"]") {
			t.Errorf("the doc of Option does not list [%s]", o)
		}
	}
}
