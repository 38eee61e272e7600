package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/certcontract/certcontract/contract/testcert"
)

// The image as make image-test names it; without CERTCONTRACT_IMAGE there
// is nothing to take apart (go test ./... in this module, outside make).
type target struct {
	ref, engine, version, source string
}

func imageUnderTest(t *testing.T) target {
	t.Helper()
	tg := target{
		ref:     os.Getenv("CERTCONTRACT_IMAGE"),
		engine:  os.Getenv("CERTCONTRACT_IMAGE_ENGINE"),
		version: os.Getenv("CERTCONTRACT_IMAGE_VERSION"),
		source:  os.Getenv("CERTCONTRACT_IMAGE_SOURCE"),
	}
	if tg.ref == "" {
		t.Skip("CERTCONTRACT_IMAGE is not set: run make image-test")
	}
	if tg.engine == "" || tg.version == "" || tg.source == "" {
		t.Fatal("CERTCONTRACT_IMAGE_ENGINE, CERTCONTRACT_IMAGE_VERSION and CERTCONTRACT_IMAGE_SOURCE must come with CERTCONTRACT_IMAGE")
	}
	return tg
}

const (
	maxImageBytes = 30_000_000
	entrypoint    = "/emulator"
	// mtlsDir is where the image's emulator writes its mTLS server CA.
	mtlsDir = "/mtls"
)

func TestImageTakenApart(t *testing.T) {
	tg := imageUnderTest(t)
	ctx := t.Context()
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := Save(ctx, tg.engine, tg.ref, archive); err != nil {
		t.Fatal(err)
	}
	img, err := Load(archive)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("config", func(t *testing.T) { checkConfig(t, cf, tg) })
	t.Run("size and files", func(t *testing.T) {
		checkSizeAndFiles(t, img, entrypoint)
		// The emulator, not root, writes EMULATOR_MTLS_CA_FILE there.
		h, err := Header(img, mtlsDir)
		if err != nil {
			t.Fatal(err)
		}
		if uid, _, _ := strings.Cut(cf.Config.User, ":"); h.Typeflag != tar.TypeDir || strconv.Itoa(h.Uid) != uid || h.Mode&0o200 == 0 {
			t.Errorf("%s: type %q, uid %d, mode %o; want a folder the image's user %s may write", mtlsDir, h.Typeflag, h.Uid, h.Mode, cf.Config.User)
		}
	})
	if t.Failed() {
		return
	}

	if cf.OS != "linux" || cf.Architecture != runtime.GOARCH {
		t.Skipf("the image is for %s/%s; its binary cannot run on this %s/%s machine", cf.OS, cf.Architecture, runtime.GOOS, runtime.GOARCH)
	}
	bin := filepath.Join(t.TempDir(), "emulator")
	if err := ExtractFile(img, entrypoint, bin); err != nil {
		t.Fatal(err)
	}
	t.Run("version", func(t *testing.T) { checkVersion(t, bin, "emulator", tg.version) })
	t.Run("all interfaces only with the image's -allow-remote", func(t *testing.T) {
		env := withEnv(cf.Config.Env, "EMULATOR_ALLOW_REMOTE", "false")
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "-allow-remote") {
			t.Fatalf("EMULATOR_ADDR=:8080 without -allow-remote: %v\n%s", err, out)
		}
	})
	t.Run("serves the smoke test on loopback", func(t *testing.T) {
		smoke(t, bin, cf, tg)
	})
}

func checkConfig(t *testing.T, cf *v1.ConfigFile, tg target) {
	c := cf.Config
	if !slices.Equal(c.Entrypoint, []string{entrypoint}) || len(c.Cmd) != 0 {
		t.Errorf("entrypoint %q cmd %q, want [%s] alone, so that docker run arguments are flags", c.Entrypoint, c.Cmd, entrypoint)
	}
	uid, _, _ := strings.Cut(c.User, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("user %q, want a numeric non-root uid (scratch has no /etc/passwd to name one)", c.User)
	}
	_, plain := c.ExposedPorts["8080/tcp"]
	_, mtls := c.ExposedPorts["8443/tcp"]
	if !plain || !mtls || len(c.ExposedPorts) != 2 {
		t.Errorf("exposed ports %v, want 8080/tcp and 8443/tcp (mTLS)", c.ExposedPorts)
	}
	for _, kv := range []string{"EMULATOR_ADDR=:8080", "EMULATOR_ALLOW_REMOTE=true", "EMULATOR_MTLS_ADDR=:8443", "EMULATOR_MTLS_CA_FILE=" + mtlsDir + "/server-ca.pem"} {
		if !slices.Contains(c.Env, kv) {
			t.Errorf("env %q lacks %s", c.Env, kv)
		}
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.version": tg.version,
		"org.opencontainers.image.source":  tg.source,
	} {
		if got := c.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(c.Labels["org.opencontainers.image.revision"]) {
		t.Errorf("label org.opencontainers.image.revision = %q, want a commit", c.Labels["org.opencontainers.image.revision"])
	}
	if c.Healthcheck == nil || !slices.Equal(c.Healthcheck.Test, []string{"CMD", entrypoint, "-health-check"}) {
		t.Errorf("healthcheck %+v, want CMD %s -health-check (an OCI-format build drops it)", c.Healthcheck, entrypoint)
	}
}

// withEnv sets key in env, replacing it if present, as docker run -e does.
func withEnv(env []string, key, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(out, key+"="+value)
}

// onLoopback is the image's environment with both listeners moved to free
// loopback ports, the mTLS server CA to a temporary file (the image's /mtls
// is not on this machine), and docs/emulator.md's service setting.
func onLoopback(t *testing.T, cf *v1.ConfigFile) (env []string, serverCA string) {
	serverCA = filepath.Join(t.TempDir(), "server-ca.pem")
	env = withEnv(withEnv(cf.Config.Env, "EMULATOR_ADDR", "127.0.0.1:0"), "EMULATOR_FAULT_HEADER", "true")
	return withEnv(withEnv(env, "EMULATOR_MTLS_ADDR", "127.0.0.1:0"), "EMULATOR_MTLS_CA_FILE", serverCA), serverCA
}

var (
	baseURLInLog = regexp.MustCompile(`base_url=(http://127\.0\.0\.1:\d+)/v1`)
	mtlsURLInLog = regexp.MustCompile(`listening for mutual TLS" base_url=(https://127\.0\.0\.1:\d+)/v1`)
)

// smoke starts the image's binary with the image's environment, moved to
// free loopback ports (its server CA to a temporary folder, standing for the
// image's /mtls) and with docs/emulator.md's service setting and a project key,
// as `docker run -e ...` would, and walks one certificate through upload,
// list, activate, deactivate and delete; while it is active, GET /v1/models
// through the mTLS listener needs a client certificate it signed. It starts
// the binary as contract_image_test.go's startServing does, on purpose not
// through it: smoke keeps the log for its report and stops the binary itself
// to check a clean exit.
func smoke(t *testing.T, bin string, cf *v1.ConfigFile, tg target) {
	const key, projectKey = "sk-admin-image-smoke", "sk-proj-image-smoke"
	env, serverCA := onLoopback(t, cf)
	cmd := exec.Command(bin)
	cmd.Env = withEnv(env, "EMULATOR_PROJECT_KEYS", projectKey+"="+key+"/proj_default")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	found, foundMTLS := make(chan string, 1), make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := mtlsURLInLog.FindStringSubmatch(sc.Text()); m != nil {
				foundMTLS <- m[1]
			} else if m := baseURLInLog.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	var root, mtlsRoot string
	for root == "" || mtlsRoot == "" {
		select {
		case root = <-found:
		case mtlsRoot = <-foundMTLS:
		case <-time.After(15 * time.Second):
			t.Fatalf("the image's binary did not log both its addresses within 15s:\n%s", log.String())
		}
	}

	// The image's HEALTHCHECK, run as the container runtime would.
	hc := exec.Command(bin, cf.Config.Healthcheck.Test[2:]...)
	hc.Env = withEnv(cf.Config.Env, "EMULATOR_ADDR", strings.TrimPrefix(root, "http://"))
	if out, err := hc.CombinedOutput(); err != nil {
		t.Errorf("healthcheck: %v\n%s", err, out)
	}
	var h struct{ Status, Version string }
	call(t, http.MethodGet, root+"/healthz", "", nil, http.StatusOK, &h)
	if h.Status != "ok" || h.Version != tg.version {
		t.Errorf("health %+v, want ok and version %s", h, tg.version)
	}

	cert, err := testcert.New(testcert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	api := root + "/v1/organization/certificates"
	upload, _ := json.Marshal(map[string]string{"name": "image smoke", "certificate": cert.PEM})
	var created struct{ Object, ID, Name string }
	call(t, http.MethodPost, api, key, upload, http.StatusOK, &created)
	if created.Object != "certificate" || !strings.HasPrefix(created.ID, "cert_") || created.Name != "image smoke" {
		t.Fatalf("upload answered %+v", created)
	}
	ids := fmt.Appendf(nil, `{"certificate_ids": [%q]}`, created.ID)

	type listed struct {
		Object string
		Data   []struct {
			ID     string
			Active bool
		}
	}
	var list listed
	call(t, http.MethodGet, api, key, nil, http.StatusOK, &list)
	if list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != created.ID || list.Data[0].Active {
		t.Fatalf("list after upload: %+v", list)
	}
	var toggled listed
	call(t, http.MethodPost, api+"/activate", key, ids, http.StatusOK, &toggled)
	if toggled.Object != "organization.certificate.activation" || len(toggled.Data) != 1 || !toggled.Data[0].Active {
		t.Fatalf("activate answered %+v", toggled)
	}
	gated(t, mtlsRoot+"/v1/models", projectKey, serverCA, cert)
	call(t, http.MethodDelete, api+"/"+created.ID, key, nil, http.StatusBadRequest, nil)
	call(t, http.MethodPost, api+"/deactivate", key, ids, http.StatusOK, &toggled)
	var deleted struct {
		Object, ID string
	}
	call(t, http.MethodDelete, api+"/"+created.ID, key, nil, http.StatusOK, &deleted)
	if deleted.Object != "certificate.deleted" || deleted.ID != created.ID {
		t.Fatalf("delete answered %+v", deleted)
	}
	call(t, http.MethodGet, api, key, nil, http.StatusOK, &list)
	if len(list.Data) != 0 {
		t.Fatalf("list after delete: %+v", list)
	}
	call(t, http.MethodGet, api, "", nil, http.StatusUnauthorized, nil)
	call(t, http.MethodGet, api, key, nil, http.StatusServiceUnavailable, nil, "X-Emulator-Fault", "503")

	// docker stop sends SIGTERM: the emulator ends cleanly, having logged
	// each request without the key.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	stopped = true
	exited := make(chan error, 1)
	go func() { <-drained; exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("after SIGTERM: %v\n%s", err, log.String())
		}
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("still running 15s after SIGTERM")
	}
	if out := log.String(); strings.Contains(out, key) || !strings.Contains(out, "shutting down") || strings.Count(out, "msg=request") != 11 {
		t.Errorf("log: want 11 request lines, a shutdown line and no key:\n%s", out)
	}
}

// gated calls GET /v1/models through the mTLS listener while ca is active
// for the organization, as the SDKs' mTLS recipes do: refused without a
// client certificate, answered with one ca signed.
func gated(t *testing.T, url, projectKey, serverCAFile string, ca testcert.Certificate) {
	t.Helper()
	serverCA, err := os.ReadFile(serverCAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(serverCA) {
		t.Fatalf("EMULATOR_MTLS_CA_FILE holds no certificate: %q", serverCA)
	}
	client, err := testcert.NewClient(ca.PEM, ca.KeyPEM, testcert.ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pair, err := client.TLS()
	if err != nil {
		t.Fatal(err)
	}
	get := func(certs ...tls.Certificate) (int, []byte) {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs, MinVersion: tls.VersionTLS12}}
		defer tr.CloseIdleConnections()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+projectKey)
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	if status, body := get(); status != http.StatusForbidden || !strings.Contains(string(body), "client_certificate_required") {
		t.Errorf("GET /v1/models without a client certificate: %d %s; want 403 client_certificate_required", status, body)
	}
	status, body := get(pair)
	var models struct {
		Object string
		Data   []struct{ ID, Object string }
	}
	if err := json.Unmarshal(body, &models); status != http.StatusOK || err != nil || models.Object != "list" || len(models.Data) == 0 || models.Data[0].Object != "model" {
		t.Errorf("GET /v1/models with a client certificate of the active CA: %d %s; want 200 and a list of models", status, body)
	}
}

// call sends one curl-like request, with header name/value pairs if any,
// and decodes the answer into out. Its sending and reading repeat
// contract/cmd/emulator's curl.send and contract/emulator's roundTrip: this
// nested module does not import another package's tests.
func call(t *testing.T, method, url, key string, body []byte, want int, out any, header ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// As contract/cmd/emulator's tests send theirs: this nested module cannot
	// share their unexported helper.
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, resp.StatusCode, want, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, data)
		}
	}
}

// checkSizeAndFiles checks that an image stays under maxImageBytes and holds
// its entrypoint alone: built on scratch, no shell, no package manager,
// nothing to patch but the binary.
func checkSizeAndFiles(t *testing.T, img v1.Image, entrypoint string) {
	t.Helper()
	size, err := UncompressedSize(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("image size: %.1f MB unpacked (ceiling %d MB)", float64(size)/1e6, maxImageBytes/1_000_000)
	if size >= maxImageBytes {
		t.Errorf("the image takes %d bytes, want under %d", size, maxImageBytes)
	}
	files, err := Files(img)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[entrypoint] == 0 {
		t.Errorf("files %v, want only %s", files, entrypoint)
	}
}

// checkVersion checks that the image's binary says its name and the
// image's version first.
func checkVersion(t *testing.T, bin, name, version string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bin, "-version").Output()
	if err != nil || !strings.HasPrefix(string(out), name+" "+version+" ") {
		t.Fatalf("-version: %q, %v; want version %s", out, err, version)
	}
}
