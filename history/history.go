package history

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/daggercheck/daggercheck/internal/textline"
)

// EventKind says what happened.
type EventKind int

const (
	EventCall     EventKind = iota + 1 // a client issues a call
	EventExec                          // a server executes it
	EventComplete                      // the client sees it complete
)

func (k EventKind) String() string {
	switch k {
	case EventCall:
		return "call"
	case EventExec:
		return "exec"
	case EventComplete:
		return "complete"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Status is how a call completed, as its client saw it.
type Status string

const (
	StatusOK      Status = "ok"
	StatusTimeout Status = "timeout"
	StatusError   Status = "error"
)

// Event is one line of a history. Which fields it has depends on Kind:
// a call has Client, Fn and Arg; an exec has Server, Fn, Arg and Ret; a
// completion has Client and Status, and Ret when Status is ok.
type Event struct {
	Kind     EventKind
	Client   string // call, complete
	Server   string // exec
	Conn, ID uint64
	Fn, Arg  string // call, exec
	Ret      string // exec; complete with status=ok
	Status   Status // complete
	Line     int    // the line it was read from; 0 for a built event
}

// String is the event's line in the text form, with every value quoted
// so that it reads back the same.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	kv := func(k, v string) { b.WriteString(" " + k + "=" + textline.Quote(v)) }
	switch e.Kind {
	case EventCall, EventComplete:
		kv("client", e.Client)
	case EventExec:
		kv("server", e.Server)
	}
	fmt.Fprintf(&b, " conn=%d id=%d", e.Conn, e.ID)
	switch e.Kind {
	case EventCall:
		kv("fn", e.Fn)
		kv("arg", e.Arg)
	case EventExec:
		kv("fn", e.Fn)
		kv("arg", e.Arg)
		kv("ret", e.Ret)
	case EventComplete:
		kv("status", string(e.Status))
		if e.Status == StatusOK {
			kv("ret", e.Ret)
		}
	}
	return b.String()
}

// call names the call an event belongs to, for messages.
func (e Event) call() string { return fmt.Sprintf("call conn=%d id=%d", e.Conn, e.ID) }

// History is an RPC history: what any RPC system can be seen to do from
// outside, whatever its rings, NICs and transport (docs/history.md).
// Clients call, servers execute, clients see the
// call complete. Its text form is one event a line, split like a POSIX
// shell:
//
//	call     client=C conn=N id=N fn=NAME arg=STRING
//	exec     server=S conn=N id=N fn=NAME arg=STRING ret=STRING
//	complete client=C conn=N id=N status=ok ret=STRING
//	complete client=C conn=N id=N status=timeout|error
//
// Every field shown is required (an empty value is written arg=”);
// client, server and fn are not empty. Lines whose first non-blank
// character is # are comments, blank lines are ignored, and keys other
// than these (a timestamp, say) are ignored. A call is named by its
// connection and id.
type History struct {
	Name   string
	Events []Event
}

// Format writes the history in its text form, one event a line.
func (h *History) Format(w io.Writer) error {
	b := bufio.NewWriter(w)
	for _, e := range h.Events {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.Flush()
}

// ErrHistorySyntax is wrapped by every history parse error, which names
// the file, the line and what is wrong there.
var ErrHistorySyntax = errors.New("malformed history")

// historyFields are the keys each event requires, in the order of the
// text form. ret is required with status=ok only, so completions check
// it by hand.
var historyFields = map[string][]string{
	"call":     {"client", "conn", "id", "fn", "arg"},
	"exec":     {"server", "conn", "id", "fn", "arg", "ret"},
	"complete": {"client", "conn", "id", "status"},
}

// ParseHistory reads a history; name is used in error messages. An
// empty history (no events) is valid.
func ParseHistory(name string, r io.Reader) (*History, error) {
	h := &History{Name: name}
	lr := textline.NewReader(name, r, ErrHistorySyntax)
	fail := func(format string, args ...any) (*History, error) { return nil, lr.Errorf(format, args...) }
	for words := range lr.Lines() {
		kind, rest := words[0], words[1:]
		required, ok := historyFields[kind]
		if !ok {
			return fail("unknown event %q: want call, exec or complete", kind)
		}
		fields := map[string]string{}
		for _, w := range rest {
			k, v, ok := strings.Cut(w, "=")
			if !ok || k == "" {
				return fail("%s: %q: want key=value", kind, w)
			}
			if _, dup := fields[k]; dup {
				return fail("%s: %s given twice", kind, k)
			}
			fields[k] = v
		}
		for _, k := range required {
			if _, ok := fields[k]; !ok {
				return fail("%s: no %s= (want %s)", kind, k, synopsis(kind))
			}
		}
		for _, k := range []string{"client", "server", "fn"} {
			if v, ok := fields[k]; ok && v == "" && slices.Contains(required, k) {
				return fail("%s: %s is empty", kind, k)
			}
		}
		// Only the event's own fields: other keys are ignored, even
		// known ones (ret on a call, server on a completion).
		e := Event{Line: lr.Line()}
		for _, k := range []string{"conn", "id"} {
			v := fields[k]
			u, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				return fail("%s: %s=%s: want a non-negative integer", kind, k, textline.Quote(v))
			}
			if k == "conn" {
				e.Conn = u
			} else {
				e.ID = u
			}
		}
		switch kind {
		case "call":
			e.Kind, e.Client, e.Fn, e.Arg = EventCall, fields["client"], fields["fn"], fields["arg"]
		case "exec":
			e.Kind, e.Server, e.Fn, e.Arg, e.Ret = EventExec, fields["server"], fields["fn"], fields["arg"], fields["ret"]
		case "complete":
			e.Kind, e.Client, e.Ret = EventComplete, fields["client"], fields["ret"]
			_, hasRet := fields["ret"]
			switch st := Status(fields["status"]); st {
			case StatusOK:
				if !hasRet {
					return fail("complete: no ret= (status=ok requires it)")
				}
			case StatusTimeout, StatusError:
				if hasRet {
					return fail("complete: ret= with status=%s (only status=ok has a result)", st)
				}
			default:
				return fail("complete: status=%s: want ok, timeout or error", textline.Quote(string(st)))
			}
			e.Status = Status(fields["status"])
		}
		h.Events = append(h.Events, e)
	}
	if err := lr.ScanErr(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: %s:%d: a line longer than 16 MiB", ErrHistorySyntax, name, lr.Line()+1)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	return h, nil
}

func synopsis(kind string) string {
	s := kind
	for _, k := range historyFields[kind] {
		s += " " + k + "=…"
	}
	if kind == "complete" {
		s += " [ret=…]"
	}
	return s
}
