package idl

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a file, at a position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%s: %s", e.File, e.Pos, e.Msg) }

// ErrorList is every problem Parse found, in file order, one per line.
type ErrorList []*Error

// maxErrors bounds an ErrorList: past it the rest are one line.
const maxErrors = 10

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i == maxErrors {
			fmt.Fprintf(&b, "%s: and %d more errors", e.File, len(l)-maxErrors)
			break
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// errorList collects errors in a file.
type errorList struct {
	file string
	errs ErrorList
}

func (l *errorList) add(pos Pos, format string, args ...any) {
	l.errs = append(l.errs, &Error{File: l.file, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// err is the sorted list, or nil.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := l.errs[i].Pos, l.errs[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return l.errs
}
