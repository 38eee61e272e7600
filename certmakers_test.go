package tools_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
	"github.com/certcontract/certcontract/generated"
)

// Every certificate this project uploads must meet the published CA
// requirements, or a live run is refused at its first upload. Certificates
// are made in two ways: in Go, by package testcert, and in shell, by
// openssl. These tests walk every maker of both kinds.

// testcertOptionsOutsideTests are the testcert.Options fields code that is
// not a test may set: the validity. The others make a certificate the API
// refuses, which only a test of that refusal may upload.
var testcertOptionsOutsideTests = map[string]bool{"NotBefore": true, "NotAfter": true}

// TestEveryGoMakerUsesACompliantTestcert walks every Go file of every module
// in the repository: only package testcert creates certificates, and code
// other than tests asks it for nothing but a validity.
func TestEveryGoMakerUsesACompliantTestcert(t *testing.T) {
	fset := token.NewFileSet()
	makers := 0
	walkRepo(t, func(path string) {
		if !strings.HasSuffix(path, ".go") {
			return
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		inTest := strings.HasSuffix(path, "_test.go")
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "x509" && n.Sel.Name == "CreateCertificate" &&
					filepath.ToSlash(filepath.Dir(path)) != "contract/testcert" && !inTest {
					t.Errorf("%s: x509.CreateCertificate outside package testcert: make certificates with testcert.New", fset.Position(n.Pos()))
				}
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "testcert" && (n.Sel.Name == "New") && !inTest {
					makers++
				}
			case *ast.CompositeLit:
				sel, ok := n.Type.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Options" || !isIdent(sel.X, "testcert") || inTest {
					return true
				}
				for _, elt := range n.Elts {
					kv, ok := elt.(*ast.KeyValueExpr)
					if !ok {
						t.Errorf("%s: testcert.Options with positional fields", fset.Position(n.Pos()))
						continue
					}
					if key, _ := kv.Key.(*ast.Ident); key == nil || !testcertOptionsOutsideTests[key.Name] {
						t.Errorf("%s: testcert.Options sets %s outside a test: the API refuses such a certificate", fset.Position(kv.Pos()), kv.Key)
					}
				}
			}
			return true
		})
	})
	// The stateful phase's, the shared organizations' seeding and other
	// clients', the load run's; the suite's and the image smoke test's are
	// tests, which upload refused certificates too, and the emulator's
	// refusals make them fail should they upload one by mistake.
	if makers < 4 {
		t.Errorf("found %d calls of testcert.New outside tests; the walk is broken", makers)
	}
	// What code outside tests may ask for meets every requirement.
	now := time.Now()
	for _, opts := range []testcert.Options{
		{},
		{NotBefore: now.Add(-3 * 365 * 24 * time.Hour), NotAfter: now.Add(2 * 24 * time.Hour)},
		{NotBefore: now.Add(24 * time.Hour), NotAfter: now.Add(10 * 365 * 24 * time.Hour)},
	} {
		c, err := testcert.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := generated.CheckCACertificate(c.PEM); err != nil {
			t.Errorf("testcert.New(%+v): %v", opts, err)
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// opensslOut is the -out argument of an openssl command line.
var opensslOut = regexp.MustCompile(`-out\s+("[^"]*"|\S+)`)

// TestEveryOpenSSLLineMakesACompliantCA runs every `openssl req` line of the
// repository's scripts, workflows and docs, writing to a temporary file, and
// checks what it made.
func TestEveryOpenSSLLineMakesACompliantCA(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl on PATH (.ci/run installs it)")
	}
	lines := 0
	walkRepo(t, func(path string) {
		if strings.HasSuffix(path, ".go") {
			return
		}
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		var cmd string
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			if cmd == "" {
				i := strings.Index(line, "openssl req ")
				if i < 0 {
					continue
				}
				line = line[i:]
			}
			if cont, ok := strings.CutSuffix(line, "\\"); ok {
				cmd += cont
				continue
			}
			cmd += line
			lines++
			checkOpenSSL(t, path, n, strings.TrimRight(cmd, "`'\". "))
			cmd = ""
		}
	})
	t.Logf("%d openssl req lines, each making a compliant CA", lines)
	if lines < 2 {
		t.Errorf("found %d openssl req lines; the walk is broken", lines)
	}
}

func checkOpenSSL(t *testing.T, path string, line int, cmd string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ca.pem")
	if !opensslOut.MatchString(cmd) {
		t.Errorf("%s:%d: an openssl req line without -out: %s", path, line, cmd)
		return
	}
	cmd = opensslOut.ReplaceAllLiteralString(cmd, "-out "+out)
	cmd = strings.ReplaceAll(cmd, `"${2:-/dev/null}"`, "/dev/null")
	if b, err := exec.Command("bash", "-c", cmd).CombinedOutput(); err != nil {
		t.Errorf("%s:%d: %s: %v\n%s", path, line, cmd, err, b)
		return
	}
	pem, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := generated.CheckCACertificate(string(pem)); err != nil {
		t.Errorf("%s:%d: the CA it makes would be refused: %v", path, line, err)
	}
}

// walkRepo calls fn with every file of the repository but version control's
// and npm's.
func walkRepo(t *testing.T, fn func(path string)) {
	t.Helper()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata" || d.Name() == "upstream") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			fn(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
