package checker

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"unsafe"
)

// ErrMemoryLimit reports a run stopped because its data would not fit in
// Options.MemLimit even with the frontier on disk. The run's Result is
// Incomplete and its Reason wraps this text; BFS returns no error.
var ErrMemoryLimit = errors.New("memory limit reached")

// frontier is one breadth-first level: its states in rank order, a prefix
// of them in a spill file on disk and the rest in memory. States go to
// disk as their raw bytes, which is sound because a state is a plain
// value without pointers (plainType checks that before anything spills);
// the bytes are read back by the same process, or by a recovering one
// that checks every state's fingerprint against its encoding.
type frontier[S any] struct {
	mem     []entry[S]
	file    *os.File // nil until the first spill
	onDisk  int      // states in file, before mem
	dir     string
	scratch []entry[S] // read buffer for the disk part
}

// entryBytes is the size of one frontier entry in memory and on disk.
func entryBytes[S any]() int {
	var e entry[S]
	return int(unsafe.Sizeof(e))
}

func (f *frontier[S]) len() int { return f.onDisk + len(f.mem) }

// memBytes is what the in-memory part holds on to.
func (f *frontier[S]) memBytes() uint64 {
	return uint64(cap(f.mem)+cap(f.scratch)) * uint64(entryBytes[S]())
}

func (f *frontier[S]) add(e entry[S]) { f.mem = append(f.mem, e) }

// rawBytes views entries as the bytes they occupy.
func rawBytes[S any](es []entry[S]) []byte {
	if len(es) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&es[0])), len(es)*entryBytes[S]())
}

// spill moves the in-memory states to the end of the spill file and
// releases their memory.
func (f *frontier[S]) spill() error {
	if len(f.mem) == 0 {
		return nil
	}
	if f.file == nil {
		file, err := os.CreateTemp(f.dir, "daggercheck-frontier-*")
		if err != nil {
			return fmt.Errorf("checker: frontier spill: %w", err)
		}
		f.file = file
	}
	off := int64(f.onDisk) * int64(entryBytes[S]())
	if _, err := f.file.WriteAt(rawBytes(f.mem), off); err != nil {
		return fmt.Errorf("checker: frontier spill %s: %w", f.file.Name(), err)
	}
	f.onDisk += len(f.mem)
	f.mem = nil
	return nil
}

// blocks calls fn on the level's states in order, in blocks of at most
// size states (at most 64Ki from disk); base is
// the index of the block's first state in the level. It stops early when
// fn returns false.
func (f *frontier[S]) blocks(size int, fn func(base int, block []entry[S]) bool) error {
	es := entryBytes[S]()
	for base := 0; base < f.onDisk; {
		n := min(size, 1<<16, f.onDisk-base)
		if cap(f.scratch) < n {
			f.scratch = make([]entry[S], n)
		}
		blk := f.scratch[:n]
		if _, err := f.file.ReadAt(rawBytes(blk), int64(base)*int64(es)); err != nil && err != io.EOF {
			return fmt.Errorf("checker: frontier spill %s: %w", f.file.Name(), err)
		}
		if !fn(base, blk) {
			return nil
		}
		base += n
	}
	mem := f.mem
	for lo := 0; lo < len(mem); {
		hi := min(lo+size, len(mem))
		if !fn(f.onDisk+lo, mem[lo:hi]) {
			return nil
		}
		lo = hi
	}
	return nil
}

// release drops the level: its file is removed, its memory returned for
// reuse, emptied (and zeroed when clearStates, so that the collector does
// not keep what states point to).
func (f *frontier[S]) release(clearStates bool) []entry[S] {
	if f.file != nil {
		f.file.Close()
		os.Remove(f.file.Name())
		f.file = nil
	}
	f.onDisk = 0
	m := f.mem
	if clearStates {
		clear(m)
	}
	f.mem = nil
	f.scratch = nil
	return m[:0]
}

// plainType reports whether values of t hold no pointers (no pointers,
// slices, maps, strings, interfaces, channels or functions), so that their
// raw bytes are the whole value.
func plainType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return plainType(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !plainType(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}
