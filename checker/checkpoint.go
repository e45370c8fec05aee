package checker

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/metrics"
	"strings"
	"time"
)

// DefaultCheckpointEvery is how often a run with Options.CheckpointDir
// writes a checkpoint when Options.CheckpointEvery is zero.
const DefaultCheckpointEvery = 5 * time.Minute

// checkpointVersion is the format of a checkpoint; a run refuses any
// other.
const checkpointVersion = 1

// ErrCheckpoint reports a checkpoint that cannot be resumed by this run:
// missing, of another format, or of another model, configuration or
// search (the message names what differs).
var ErrCheckpoint = errors.New("checkpoint cannot be resumed")

// A checkpoint is a directory holding, at a level boundary of a
// breadth-first search, everything the search needs to go on: the
// visited set, the trace log, the level about to be expanded and the
// counters. It lives in DIR/current; a new one is written beside it and
// renamed into place, so a crash while writing leaves the previous one
// (as DIR/previous if the crash fell between the two renames).
const (
	ckptCurrent  = "current"
	ckptPrevious = "previous"
	ckptMeta     = "checkpoint.json"
	ckptVisited  = "visited.bin"
	ckptTrace    = "trace.bin"
	ckptFrontier = "frontier.bin"
)

// checkpointData is checkpoint.json.
type checkpointData struct {
	Version int `json:"version"`
	// Identity names the model, its parameters and bug (Options.Identity);
	// Settings the options that change the state space.
	Identity   string   `json:"identity"`
	Settings   string   `json:"settings"`
	StateBytes int      `json:"state_bytes"`
	Depth      int      `json:"depth"` // the level the frontier holds
	Generated  uint64   `json:"generated"`
	Distinct   uint64   `json:"distinct"`
	Frontier   int      `json:"frontier"`
	TraceBytes int64    `json:"trace_bytes"`
	Coverage   []uint64 `json:"coverage"`
	WitnessFP  []uint64 `json:"witness_fp"`
	Elapsed    float64  `json:"elapsed_seconds"` // run time up to the checkpoint
	Written    string   `json:"written"`

	// Firsts, with Options.Continue: [property, depth, fingerprint] of
	// each property's first finding.
	Firsts [][3]uint64 `json:"firsts,omitempty"`
}

// settings describes the options that change what a search explores; a
// checkpoint resumes only under the same.
func (c *Checker[S]) settings() string {
	s := fmt.Sprintf("max-depth=%d properties=%s allow-deadlock=%v no-symmetry=%v actions=%d",
		c.opts.MaxDepth, strings.Join(c.opts.Only, ","), c.opts.AllowDeadlock, c.opts.NoSymmetry, len(c.kinds))
	if c.opts.Continue {
		s += " continue" // a run without it would have stopped at a violation
	}
	return s
}

// writeCheckpoint writes the search's state at a level boundary.
func (c *Checker[S]) writeCheckpoint(dir string, d checkpointData, seen *fpSet, log *traceLog, level *frontier[S]) error {
	if !plainType(reflect.TypeFor[S]()) {
		return fmt.Errorf("%w: %s: this model's states hold pointers and cannot be written to disk", ErrCheckpoint, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checker: checkpoint: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".writing-")
	if err != nil {
		return fmt.Errorf("checker: checkpoint: %w", err)
	}
	defer os.RemoveAll(tmp)
	d.Version, d.Identity, d.Settings = checkpointVersion, c.opts.Identity, c.settings()
	d.StateBytes, d.Distinct, d.Frontier = entryBytes[S](), uint64(seen.Len()), level.len()
	d.Written = time.Now().UTC().Format(time.RFC3339)

	write := func(name string, fill func(w *bufio.Writer) error) error {
		f, err := os.Create(filepath.Join(tmp, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		err = fill(w)
		if err == nil {
			err = w.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	err = write(ckptVisited, func(w *bufio.Writer) error {
		var b [8]byte
		for i := range seen.shards {
			for _, fp := range seen.shards[i].slots {
				if fp != 0 {
					binary.LittleEndian.PutUint64(b[:], fp)
					w.Write(b[:])
				}
			}
		}
		return nil
	})
	if err == nil {
		err = write(ckptTrace, func(w *bufio.Writer) error {
			d.TraceBytes = log.size
			_, err := io.Copy(w, io.NewSectionReader(log.f, 0, log.size))
			return err
		})
	}
	if err == nil {
		err = write(ckptFrontier, func(w *bufio.Writer) error {
			var werr error
			ferr := level.blocks(1<<16, func(_ int, blk []entry[S]) bool {
				_, werr = w.Write(rawBytes(blk))
				return werr == nil
			})
			return errors.Join(ferr, werr)
		})
	}
	if err == nil {
		err = write(ckptMeta, func(w *bufio.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(d)
		})
	}
	if err != nil {
		return fmt.Errorf("checker: checkpoint %s: %w", dir, err)
	}
	cur, prev := filepath.Join(dir, ckptCurrent), filepath.Join(dir, ckptPrevious)
	os.RemoveAll(prev)
	if err := os.Rename(cur, prev); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("checker: checkpoint %s: %w", dir, err)
	}
	if err := os.Rename(tmp, cur); err != nil {
		return fmt.Errorf("checker: checkpoint %s: %w", dir, err)
	}
	os.RemoveAll(prev)
	return nil
}

// loadCheckpoint restores a checkpoint into an empty visited set, trace
// log and level, after checking that it belongs to this run.
func (c *Checker[S]) loadCheckpoint(dir string, seen *fpSet, log *traceLog, level *frontier[S]) (checkpointData, error) {
	var d checkpointData
	path := filepath.Join(dir, ckptCurrent)
	if _, err := os.Stat(filepath.Join(path, ckptMeta)); err != nil {
		// A crash between the two renames leaves only the previous one.
		path = filepath.Join(dir, ckptPrevious)
	}
	raw, err := os.ReadFile(filepath.Join(path, ckptMeta))
	if err != nil {
		return d, fmt.Errorf("%w: %s holds no checkpoint (%v)", ErrCheckpoint, dir, err)
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return d, fmt.Errorf("%w: %s: %v", ErrCheckpoint, filepath.Join(path, ckptMeta), err)
	}
	meta := filepath.Join(path, ckptMeta)
	switch {
	case d.Version != checkpointVersion:
		return d, fmt.Errorf("%w: %s: format version %d, this checker reads version %d", ErrCheckpoint, meta, d.Version, checkpointVersion)
	case d.Identity != c.opts.Identity:
		return d, fmt.Errorf("%w: %s: written for %q, this run is %q", ErrCheckpoint, meta, d.Identity, c.opts.Identity)
	case d.Settings != c.settings():
		return d, fmt.Errorf("%w: %s: written with %q, this run has %q", ErrCheckpoint, meta, d.Settings, c.settings())
	case d.StateBytes != entryBytes[S]():
		return d, fmt.Errorf("%w: %s: states of %d bytes, this model's are %d", ErrCheckpoint, meta, d.StateBytes, entryBytes[S]())
	case len(d.Coverage) != len(c.kinds) || len(d.WitnessFP) != len(c.props):
		return d, fmt.Errorf("%w: %s: %d action kinds and %d properties, this model has %d and %d",
			ErrCheckpoint, meta, len(d.Coverage), len(d.WitnessFP), len(c.kinds), len(c.props))
	}
	read := func(name string, want int64, fn func([]byte) error) error {
		f, err := os.Open(filepath.Join(path, name))
		if err != nil {
			return err
		}
		defer f.Close()
		if fi, err := f.Stat(); err != nil || fi.Size() != want {
			return fmt.Errorf("%s: %d bytes, want %d", name, fi.Size(), want)
		}
		r := bufio.NewReaderSize(f, 1<<20)
		buf := make([]byte, 1<<20)
		for {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				if ferr := fn(buf[:n]); ferr != nil {
					return ferr
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			if err != nil {
				return err
			}
		}
	}
	err = read(ckptVisited, int64(d.Distinct)*8, func(b []byte) error {
		for i := 0; i+8 <= len(b); i += 8 {
			seen.Insert(binary.LittleEndian.Uint64(b[i:]))
		}
		return nil
	})
	if err == nil {
		err = read(ckptTrace, d.TraceBytes, func(b []byte) error { log.write(b); return log.err })
	}
	es := entryBytes[S]()
	if err == nil {
		var pending []byte
		var buf []byte
		err = read(ckptFrontier, int64(d.Frontier)*int64(es), func(b []byte) error {
			pending = append(pending, b...)
			n := len(pending) / es
			blk := make([]entry[S], n)
			copy(rawBytes(blk), pending[:n*es])
			pending = pending[n*es:]
			for _, e := range blk {
				// The raw bytes are only trusted if they still encode to
				// their fingerprint: a rebuilt binary may lay states out
				// differently.
				if c.fingerprint(e.s, &buf) != e.fp {
					return fmt.Errorf("%s: a state does not match its fingerprint %#x (written by a different build?)", ckptFrontier, e.fp)
				}
				level.add(e)
			}
			return nil
		})
	}
	if err != nil {
		return d, fmt.Errorf("%w: %s: %v", ErrCheckpoint, path, err)
	}
	if uint64(seen.Len()) != d.Distinct {
		return d, fmt.Errorf("%w: %s: %d distinct fingerprints, the checkpoint says %d", ErrCheckpoint, path, seen.Len(), d.Distinct)
	}
	return d, nil
}

// peakMemory tracks the most memory the process held (mapped by the Go
// runtime and not returned to the OS) at the moments it is sampled: the
// end of each level and at the memory cap's checks.
type peakMemory struct {
	samples []metrics.Sample
	max     uint64
}

func newPeakMemory() *peakMemory {
	p := &peakMemory{samples: []metrics.Sample{
		{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}}
	p.sample()
	return p
}

func (p *peakMemory) sample() {
	metrics.Read(p.samples)
	if p.samples[0].Value.Kind() != metrics.KindUint64 || p.samples[1].Value.Kind() != metrics.KindUint64 {
		return
	}
	if v := p.samples[0].Value.Uint64() - p.samples[1].Value.Uint64(); v > p.max {
		p.max = v
	}
}
