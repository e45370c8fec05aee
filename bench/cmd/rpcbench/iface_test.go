package main

import (
	"io"
	"testing"
)

// The host-interface rows are selected by name, and only then.
func TestInterfaceRowsByNameOnly(t *testing.T) {
	opt, err := parse(nil, catalogue, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range opt.cfg.Targets {
		if tg.System == "dagger-mmio" {
			t.Fatal("the default run has the MMIO row")
		}
	}
	opt, err = parse([]string{"--systems", "dagger/loopback,dagger-doorbell,dagger-doorbell-batch,dagger-mmio/loopback"}, catalogue, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range opt.cfg.Targets {
		got = append(got, tg.Name())
	}
	want := "[dagger/loopback dagger-doorbell/loopback dagger-doorbell-batch/loopback dagger-mmio/loopback]"
	if s := fmtNames(got); s != want {
		t.Fatalf("selected %s, want %s", s, want)
	}
}

func fmtNames(n []string) string {
	s := "["
	for i, x := range n {
		if i > 0 {
			s += " "
		}
		s += x
	}
	return s + "]"
}
