package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// The contract suite's image, certcontract-contract (make image builds it
// beside the emulator's).
const (
	contractEntrypoint = "/certcontract-contract.test"
	contractReports    = "/reports"
)

// TestContractImageTakenApart checks certcontract-contract's image as the
// emulator's is checked: its config, its size and files, then its binary,
// run as `docker run IMAGE --base-url ...` would run it, against the
// emulator's image's binary on loopback.
func TestContractImageTakenApart(t *testing.T) {
	tg := imageUnderTest(t)
	ref := os.Getenv("CERTCONTRACT_CONTRACT_IMAGE")
	if ref == "" {
		t.Fatal("CERTCONTRACT_CONTRACT_IMAGE must come with CERTCONTRACT_IMAGE: make image builds both")
	}
	ctx := t.Context()
	dir := t.TempDir()
	img := saveAndLoad(t, tg.engine, ref, filepath.Join(dir, "contract.tar"))
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("config", func(t *testing.T) {
		c := cf.Config
		if !slices.Equal(c.Entrypoint, []string{contractEntrypoint}) || len(c.Cmd) != 0 {
			t.Errorf("entrypoint %q cmd %q, want [%s] alone, so that docker run arguments are its flags", c.Entrypoint, c.Cmd, contractEntrypoint)
		}
		if c.User != "65532:65532" {
			t.Errorf("user %q, want 65532:65532, the owner of %s", c.User, contractReports)
		}
		if len(c.ExposedPorts) != 0 || c.Healthcheck != nil {
			t.Errorf("ports %v, health check %+v: a command serves nothing", c.ExposedPorts, c.Healthcheck)
		}
		for k, want := range map[string]string{
			"org.opencontainers.image.version": tg.version,
			"org.opencontainers.image.source":  tg.source,
		} {
			if got := c.Labels[k]; got != want {
				t.Errorf("label %s = %q, want %q", k, got, want)
			}
		}
	})
	t.Run("size and files", func(t *testing.T) {
		checkSizeAndFiles(t, img, contractEntrypoint)
		// The default report folder must be writable by the image's user.
		var owner = -1
		if err := walk(img, func(h *tar.Header, _ io.Reader) (bool, error) {
			if h.Typeflag == tar.TypeDir && clean(h.Name) == contractReports {
				owner = h.Uid
			}
			return false, nil
		}); err != nil {
			t.Fatal(err)
		}
		if owner != 65532 {
			t.Errorf("%s is owned by %d, want 65532 (the image's user writes its reports there)", contractReports, owner)
		}
	})
	if t.Failed() {
		return
	}
	if cf.OS != "linux" || cf.Architecture != runtime.GOARCH {
		t.Skipf("the image is for %s/%s; its binary cannot run on this %s/%s machine", cf.OS, cf.Architecture, runtime.GOOS, runtime.GOARCH)
	}

	bin := filepath.Join(dir, filepath.Base(contractEntrypoint))
	if err := ExtractFile(img, contractEntrypoint, bin); err != nil {
		t.Fatal(err)
	}
	t.Run("version", func(t *testing.T) { checkVersion(t, bin, "certcontract-contract", tg.version) })
	t.Run("the suite passes against the emulator's image", func(t *testing.T) {
		emulatorImg := saveAndLoad(t, tg.engine, tg.ref, filepath.Join(dir, "emulator.tar"))
		emulatorCf, err := emulatorImg.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		emulatorBin := filepath.Join(dir, "emulator")
		if err := ExtractFile(emulatorImg, entrypoint, emulatorBin); err != nil {
			t.Fatal(err)
		}
		base := startServing(t, emulatorBin, emulatorCf)
		// As in the image: no TMPDIR to write to, the reports in a folder
		// of their own.
		work := t.TempDir()
		cmd := exec.CommandContext(ctx, bin, "--base-url", base+"/v1", "--project-id", "proj_default",
			"--fault-header", "--exclusive", "--procs", "2", "--stateful-steps", "30", "--no-color")
		cmd.Dir = work
		cmd.Env = []string{"OPENAI_ADMIN_KEY=sk-admin-image", "TMPDIR=/nonexistent"}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		if _, err := os.Stat(filepath.Join(work, "reports", "coverage.md")); err != nil {
			t.Errorf("no coverage report: %v", err)
		}
	})
}

func saveAndLoad(t *testing.T, engine, ref, archive string) v1.Image {
	t.Helper()
	if err := Save(t.Context(), engine, ref, archive); err != nil {
		t.Fatal(err)
	}
	img, err := Load(archive)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// startServing runs the emulator's binary with its image's environment on
// free loopback ports, fault header on, until the test ends; it answers
// the root URL.
func startServing(t *testing.T, bin string, cf *v1.ConfigFile) string {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Env, _ = onLoopback(t, cf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := baseURLInLog.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case root := <-found:
		return root
	case <-time.After(15 * time.Second):
		t.Fatal("the emulator's binary did not log its address within 15s")
		return ""
	}
}
