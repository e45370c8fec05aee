// Package textline is the line syntax the text formats share: trace
// files (package trace), run logs (runlog) and RPC histories (history).
// A Reader reads such a file line by line: blank lines and # comments
// are skipped, every other line is split like a POSIX shell, and every
// error wraps the format's syntax error and names the file and the line.
// Quote writes a value as one word that reads back exactly; IsParam
// checks a header's "param key=value".
//
// It imports only go-shlex and the standard library, so the format
// packages above it stay small. Read Reader first.
package textline
