package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// checkOutputs checks, before the run starts, that the files and the
// checkpoint directory the run will write can be written, so that a
// typo costs no search.
func (f *runFlags) checkOutputs() error {
	for _, o := range []struct{ flag, path string }{{"--trace-out", f.traceOut}, {"--itf-out", f.itfOut},
		{"--svg-out", f.svgOut}, {"--dot", f.dotOut}} {
		if o.path == "" {
			continue
		}
		if err := checkWritableFile(o.path); err != nil {
			return fmt.Errorf("%s %s: %w", o.flag, o.path, err)
		}
	}
	if f.checkpoint != "" {
		if err := os.MkdirAll(f.checkpoint, 0o755); err != nil {
			return fmt.Errorf("--checkpoint %s: %w", f.checkpoint, unwrapPath(err))
		}
		if err := checkWritableDir(f.checkpoint); err != nil {
			return fmt.Errorf("--checkpoint %s: %w", f.checkpoint, err)
		}
	}
	return nil
}

// checkWritableFile reports why a file could not be written at path: an
// existing file must open for writing (it is left as it is), a new one
// needs a directory that takes files.
func checkWritableFile(path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return errors.New("is a directory")
	case err == nil:
		fh, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return unwrapPath(err)
		}
		return fh.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return unwrapPath(err)
	}
	return checkWritableDir(filepath.Dir(path))
}

// checkWritableDir reports why a file could not be created in dir.
func checkWritableDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("no directory %s", dir)
	case err != nil:
		return unwrapPath(err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	probe, err := os.CreateTemp(dir, ".probe-")
	if err != nil {
		return fmt.Errorf("cannot create files in %s: %w", dir, unwrapPath(err))
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// message around it names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeCounterexample writes the run's counterexample to path with write.
// A run without one writes nothing (and leaves any file there alone) and
// says so on stderr; its exit code already tells a script there is none.
func writeCounterexample(path string, res *checker.Result, write func(io.Writer) error, e *Env) error {
	if res.Trace == nil {
		e.Warn("no counterexample, nothing written to %s", path)
		return nil
	}
	var b strings.Builder
	if err := write(&b); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
