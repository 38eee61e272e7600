package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/certcontract/certcontract/contract/testcert"
)

// loadKey is the organization every emulator request uses.
const loadKey = "sk-admin-load"

// pageSize is a full default page, the emulator's most common answer.
const pageSize = 20

// process is one server under load, started as its users start it.
type process struct {
	name   string
	addr   string // 127.0.0.1:port
	cmd    *exec.Cmd
	exited chan error
	once   sync.Once
}

// startProcess runs name with args and waits until ready answers a GET of
// probe with 200.
func startProcess(ctx context.Context, name, addr, probe string, env []string, bin string, args ...string) (*process, error) {
	p := &process{name: name, addr: addr, exited: make(chan error, 1)}
	p.cmd = exec.CommandContext(ctx, bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	// Their output, request logs included, goes to /dev/null: a terminal
	// would cost more than the servers, and a pipe would cost this process,
	// which serves the ceiling. A server that fails to start says why in its
	// exit status below.
	p.cmd.Stdout, p.cmd.Stderr = nil, nil
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.exited:
			return nil, fmt.Errorf("%s exited before answering: %v", name, err)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if status, _, _, err := get(probe); err == nil && status == http.StatusOK {
			return p, nil
		}
	}
	p.stop()
	return nil, fmt.Errorf("%s not answering %s after 60s", name, probe)
}

// stop ends the server gracefully, or kills it after 10 s.
func (p *process) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
}

// emulator is the emulator command with one organization holding a full
// page, one certificate of it active for the organization, and its mTLS
// listener on: the active CA gates gatedKey's project.
type emulator struct {
	*process
	active string // the id the activate target sends
	page   answer // its page of 20, for the ceiling
	// mtlsAddr is the mTLS listener; serverCAFile the CA its server
	// certificate chains to; client a certificate signed by the active CA.
	mtlsAddr, serverCAFile string
	client                 testcert.Certificate
}

// startEmulator starts bin, with its request logs off when quiet; dir holds
// the file it writes its server CA to.
func startEmulator(ctx context.Context, bin, dir string, procs int, quiet bool) (*emulator, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	mtlsAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	caFile := filepath.Join(dir, "server-ca.pem")
	base := "http://" + addr + "/v1/organization/certificates"
	args := []string{"-addr", addr, "-mtls-addr", mtlsAddr, "-mtls-ca-file", caFile,
		"-project-keys", gatedKey + "=" + loadKey + "/proj_default," + openKey + "=" + openOrg + "/proj_default"}
	if quiet {
		args = append(args, "-quiet")
	}
	p, err := startProcess(ctx, "emulator", addr, base, []string{"GOMAXPROCS=" + strconv.Itoa(procs)}, bin, args...)
	if err != nil {
		return nil, err
	}
	e := &emulator{process: p, mtlsAddr: mtlsAddr, serverCAFile: caFile}
	if err := e.seed(); err != nil {
		p.stop()
		return nil, err
	}
	return e, nil
}

func (e *emulator) listURL(limit int) string {
	return "http://" + e.addr + "/v1/organization/certificates?limit=" + strconv.Itoa(limit)
}

func (e *emulator) activateURL() string {
	return "http://" + e.addr + "/v1/organization/certificates/activate"
}

func (e *emulator) activateBody() string {
	return `{"certificate_ids":["` + e.active + `"]}`
}

// seed uploads a full page and activates its first certificate, so every
// measured activate does the whole work of one (the key, the fragment, the
// lookup under the organization's lock) and leaves the page's bytes as the
// ceiling serves them.
func (e *emulator) seed() error {
	for i := range pageSize {
		cert, err := testcert.New(testcert.Options{})
		if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]string{"certificate": cert.PEM, "name": "load-" + strconv.Itoa(i)})
		status, answer, err := post("http://"+e.addr+"/v1/organization/certificates", string(body))
		if err != nil {
			return fmt.Errorf("seeding: %w", err)
		}
		if status != http.StatusOK {
			return fmt.Errorf("seeding: upload answered %d: %s", status, answer)
		}
		if e.active == "" {
			var uploaded struct{ ID string }
			if err := json.Unmarshal(answer, &uploaded); err != nil || uploaded.ID == "" {
				return fmt.Errorf("seeding: no id in the upload's answer %s", answer)
			}
			e.active = uploaded.ID
			if e.client, err = testcert.NewClient(cert.PEM, cert.KeyPEM, testcert.ClientOptions{}); err != nil {
				return err
			}
		}
	}
	if status, answer, err := post(e.activateURL(), e.activateBody()); err != nil || status != http.StatusOK {
		return fmt.Errorf("seeding: activate answered %d %s (%v)", status, answer, err)
	}
	status, header, body, err := get(e.listURL(pageSize))
	if err != nil || status != http.StatusOK {
		return fmt.Errorf("seeding: the page of %d answered %d (%v)", pageSize, status, err)
	}
	header.Del("Date") // the ceiling's server writes its own, as the emulator's does
	e.page = answer{header: header, body: body}
	return nil
}

// answer is what the ceiling repeats: the emulator's page with the headers
// the emulator set on it. Content-Length among them matters: without it
// net/http would send a body this size chunked, different bytes.
type answer struct {
	header http.Header
	body   []byte
}

// ceiling is a net/http server that answers every request with one answer
// and does nothing else: the most a Go server can answer on this machine.
type ceiling struct {
	addr, url string
	srv       *http.Server
}

func startCeiling(a answer) (*ceiling, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &ceiling{addr: ln.Addr().String(), srv: &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}}
	c.url = "http://" + c.addr + "/v1/organization/certificates?limit=" + strconv.Itoa(pageSize)
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (a answer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	maps.Copy(w.Header(), a.header)
	_, _ = w.Write(a.body)
}

func (c *ceiling) stop() { _ = c.srv.Close() }

// prism is `prism mock` on the fragment. It serves the fragment's paths
// without the /v1 of its server URL.
type prism struct {
	*process
	url string
}

func startPrism(ctx context.Context, bin, spec string, quiet bool) (*prism, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	url := "http://" + addr + "/organization/certificates"
	args := []string{"mock", spec, "-h", "127.0.0.1", "-p", port}
	if quiet {
		args = append(args, "-v", "silent")
	}
	p, err := startProcess(ctx, "prism", addr, url, nil, bin, args...)
	if err != nil {
		return nil, fmt.Errorf("%w (make load installs it with npm ci)", err)
	}
	return &prism{process: p, url: url}, nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

var client = &http.Client{Timeout: 10 * time.Second}

func get(url string) (int, http.Header, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	return do(req)
}

func post(url, body string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	status, _, answer, err := do(req)
	return status, answer, err
}

func do(req *http.Request) (int, http.Header, []byte, error) {
	req.Header.Set("Authorization", "Bearer "+loadKey)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// cpu reads the CPU time, user and system, the process has used so far.
func (p *process) cpu() (time.Duration, error) { return processCPU(p.cmd.Process.Pid) }

// processCPU reads utime and stime from /proc/<pid>/stat (Linux, where
// make load runs), in clock ticks of 10 ms.
func processCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("reading the server's CPU time: %w", err)
	}
	// The command name, in parentheses, may hold spaces; the fields after
	// it are numbered from 3 (state): utime is 14, stime 15.
	_, rest, ok := bytes.Cut(data, []byte(") "))
	fields := strings.Fields(string(rest))
	if !ok || len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, data)
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/%d/stat: %q", pid, data)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// selfCPU is this process's CPU time: the ceiling's, as the process is
// otherwise idle while wrk runs.
func selfCPU() (time.Duration, error) { return processCPU(os.Getpid()) }
