package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Env is the variable that, set to "require", makes a missing browser
// fail the test instead of skipping it.
const Env = "DAGGERCHECK_BROWSER"

// Viewport is the page's size in the tests and in the docs' screenshots.
const (
	Width  = 1000
	Height = 700
)

// Run is a program's command line: it runs args, writing its output and
// its errors to out, until ctx ends, and returns the exit code.
type Run func(ctx context.Context, args []string, out io.Writer) int

// Serve runs `explore ARGS --addr 127.0.0.1:0` of the program and
// returns the URL it prints (with its #hash). The server stops when the
// test ends, and the test fails if it did not stop cleanly.
func Serve(t *testing.T, run Run, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append(append([]string{"explore"}, args...), "--addr", "127.0.0.1:0"), out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("explore exited %d after Ctrl-C: %s", code, out)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("explore did not stop within 10s of its context's end")
		}
	})
	url := regexp.MustCompile(`http://\S+`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if u := url.FindString(out.String()); u != "" {
			return u
		}
		select {
		case code := <-done:
			t.Fatalf("explore exited %d before serving: %s", code, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("explore printed no URL within 30s: %s", out)
	return ""
}

// syncBuffer is a buffer that a server goroutine writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// chromium finds a Chromium binary.
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium with a Width x Height viewport that
// downloads into dir, and returns its context, which ends with the test.
// Without a Chromium binary the test is skipped, unless DAGGERCHECK_BROWSER
// is "require".
func Browser(t *testing.T, dir string) context.Context {
	t.Helper()
	path := chromium()
	if path == "" {
		msg := "no chromium binary on PATH: the browser tests need Debian's chromium package (apt-get install chromium)"
		if os.Getenv(Env) == "require" {
			t.Fatal(msg + ", and " + Env + "=require")
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path),
		chromedp.WindowSize(Width, Height), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(Width, Height)); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior,
		browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		t.Fatalf("letting %s download into %s: %v", path, dir, err)
	}
	return ctx
}

// Do runs the actions, failing the test with what it was doing.
func Do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Text is the text of the first element that matches sel.
func Text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// WaitText waits until the element sel's text contains want, and
// returns the text.
func WaitText(t *testing.T, ctx context.Context, sel, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var s string
	for time.Now().Before(deadline) {
		s, _ = chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||""`, sel)))
		if strings.Contains(s, want) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q; it shows %q", sel, want, s)
	return ""
}

// WaitFile waits for a file named name in dir (a download) and returns
// its contents.
func WaitFile(t *testing.T, dir, name string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil && len(b) > 0 {
			return string(b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	entries, _ := os.ReadDir(dir)
	t.Fatalf("no download %s in %s within 20s (it holds %v)", name, dir, entries)
	return ""
}

// Screenshot writes the viewport as a PNG to path.
func Screenshot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
