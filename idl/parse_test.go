package idl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const sample = `// a comment
message GetArg { string[16] key; }
message GetRet {
	bool found;   // a comment after a field
	uint32 version;
	bytes[32] value;
}
message Every { int8 a; int16 b; int32 c; int64 d; uint8 e; uint16 f; uint32 g; uint64 h; float32 i; float64 j; bool[3] k; }
message Empty {}
message Full { uint32[13] words; }
service KVS {
	rpc Get(GetArg) returns (GetRet);
	rpc Put(GetArg) returns (GetRet) = 7;
	rpc Next(Empty) returns (Empty);
	rpc Zero(Empty) returns (Every) = 0;
	rpc Max(Full) returns (Full) = 65535;
}
service Other { rpc Get(Empty) returns (Empty); }
`

func TestParseLaysOutMessages(t *testing.T) {
	f, err := Parse("sample.dproto", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range f.Messages {
		line := fmt.Sprintf("%s@%s %d:", m.Name, m.Pos, m.Size)
		for _, fl := range m.Fields {
			line += fmt.Sprintf(" %s %s@%d", fl.Type, fl.Name, fl.Offset)
		}
		got = append(got, line)
	}
	want := []string{
		"GetArg@2:9 16: string[16] key@0",
		"GetRet@3:9 37: bool found@0 uint32 version@1 bytes[32] value@5",
		"Every@8:9 45: int8 a@0 int16 b@1 int32 c@3 int64 d@7 uint8 e@15 uint16 f@16 uint32 g@18 uint64 h@22 float32 i@30 float64 j@34 bool[3] k@42",
		"Empty@9:9 0:",
		"Full@10:9 52: uint32[13] words@0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("layout:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Function numbers: declaration order from 1; "= N" sets one, and the
// next RPC without "= N" follows it; each service numbers its own.
func TestParseNumbersRPCs(t *testing.T) {
	f, err := Parse("sample.dproto", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range f.Services {
		for _, r := range s.RPCs {
			got = append(got, fmt.Sprintf("%s.%s=%d(%s)%s@%s", s.Name, r.Name, r.Fn, r.Arg.Name, r.Ret.Name, r.Pos))
		}
	}
	want := "KVS.Get=1(GetArg)GetRet@12:6 KVS.Put=7(GetArg)GetRet@13:6 KVS.Next=8(Empty)Empty@14:6 KVS.Zero=0(Empty)Every@15:6 KVS.Max=65535(Full)Full@16:6 Other.Get=1(Empty)Empty@18:21"
	if strings.Join(got, " ") != want {
		t.Errorf("rpcs:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// Every error names the file, the line, the column and the reason.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"message A { uint128 x; }", `f.dproto:1:13: unknown type "uint128" in field x (want int8..int64, uint8..uint64, float32, float64, bool, string[N] or bytes[N])`},
		{"message A { int32 x; int64 x; }", "f.dproto:1:28: duplicate field x in message A (first at 1:19)"},
		{"message A {}\nmessage A {}", "f.dproto:2:9: duplicate message A (first at 1:9)"},
		{"message A { int32 x }", `f.dproto:1:20: missing ";" after field x (found "}")`},
		{"message A { int32 x\n int32 y; }", `f.dproto:1:20: missing ";" after field x (found "int32")`},
		{"message A {}\nservice S { rpc F(A) returns (B); }", "f.dproto:2:31: unknown message B in rpc F's result"},
		{"message A {}\nservice S { rpc F(int32) returns (A); }", "f.dproto:2:19: argument int32 of rpc F is a type, not a message: wrap it in a message"},
		{"message A {}\nservice S { rpc F(A) returns (A); rpc F(A) returns (A); }", "f.dproto:2:39: duplicate rpc F in service S (first at 2:17)"},
		{"message A {}\nservice S { rpc F(A) returns (A) = 2; rpc G(A) returns (A) = 2; }", "f.dproto:2:62: rpc G has function number 2, as rpc F (at 2:17) has"},
		{"message A {}\nservice S { rpc F(A) returns (A) = 1; rpc G(A) returns (A) = 0; rpc H(A) returns (A); }", "f.dproto:2:69: rpc H has function number 1, as rpc F (at 2:17) has"},
		{"message A {}\nservice S { rpc F(A) returns (A) = 65536; }", "f.dproto:2:36: function number 65536 of rpc F out of range 0..65535"},
		{"message A {}\nservice S { rpc F(A) returns (A) = 65535; rpc G(A) returns (A); }", "f.dproto:2:47: function number 65536 of rpc G out of range 0..65535"},
		{"message A {}\nservice S { rpc F(A) returns (A) = 99999999999999999999; }", "f.dproto:2:36: function number of rpc F out of range 0..65535"},
		{"message A {}\nservice S {}\nservice S {}", "f.dproto:3:9: duplicate service S (first at 2:9)"},
		{"message A {\n\tstring[16] key;\n\tbytes[32] value;\n\tuint32 version;\n\tbool found;\n}", "f.dproto:5:2: message A is 53 bytes, over the 52 of a slot: field found (bool at offset 52) ends at byte 53"},
		{"message A { uint64[7] x; }", "f.dproto:1:13: message A is 56 bytes, over the 52 of a slot: field x (uint64[7] at offset 0) ends at byte 56"},
		{"message A { string key; }", "f.dproto:1:13: string needs a length in field key: string[N]"},
		{"message A { int8[0] x; }", "f.dproto:1:18: length 0 in field x: want 1 or more"},
		{"message A { int8[99999999] x; }", "f.dproto:1:18: length too large in field x: a message holds at most 52 bytes"},
		{"message A {}\nmessage B { A a; }", "f.dproto:2:13: field a's type A is a message: a field is a scalar, an array, string[N] or bytes[N]"},
		{"message A { int32 x; ", `f.dproto:1:22: message A: expected a field or "}", found end of file`},
		{"message { }", `f.dproto:1:9: expected a message name after message, found "{"`},
		{"messages A {}", `f.dproto:1:1: expected message or service, found "messages"`},
		{"message A [ }", `f.dproto:1:11: expected "{" after message A, found "["`},
		{"message A { int32[4 x; }", `f.dproto:1:21: expected "]" after the length of int32[, found "x"`},
		{"message A { int32 x; } # hash", `f.dproto:1:24: unexpected character '#'`},
		{"message A { int32 x; } / one slash", `f.dproto:1:24: unexpected character '/'`},
		{"message A { int32 é; }", `f.dproto:1:19: unexpected character 'é'`},
		{"message A { int32 \xff; }", `f.dproto:1:19: unexpected character byte 0xff`},
		{"message A {}\nservice S { rpc F(A) returns A; }", `f.dproto:2:30: expected "(" after returns, found "A"`},
		{"message A {}\nservice S { rpc F(A) returns (A) }", `f.dproto:2:33: missing ";" after rpc F (found "}")`},
		{"message A {}\nservice S { message B {} }", `f.dproto:2:13: service S: expected rpc or "}", found "message"`},
		{"message A {}\nservice S { rpc F(A) returns (A) = x; }", `f.dproto:2:36: expected a function number after rpc F's =, found "x"`},
		// Several check errors, in file order.
		{"message A { foo x; bar y; }", "f.dproto:1:13: unknown type \"foo\" in field x (want int8..int64, uint8..uint64, float32, float64, bool, string[N] or bytes[N])\n" +
			"f.dproto:1:20: unknown type \"bar\" in field y (want int8..int64, uint8..uint64, float32, float64, bool, string[N] or bytes[N])"},
	} {
		_, err := Parse("f.dproto", []byte(tc.src))
		if err == nil {
			t.Errorf("%q: parsed, want %s", tc.src, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, err, tc.want)
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 || list[0].File != "f.dproto" {
			t.Errorf("%q: %T is not an ErrorList of f.dproto", tc.src, err)
		}
	}
}

func TestTooManyErrorsAreCounted(t *testing.T) {
	src := "message A {" + strings.Repeat(" foo x;", 12) + " }"
	_, err := Parse("f.dproto", []byte(src))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 11 || lines[10] != "f.dproto: and 2 more errors" {
		t.Errorf("%d lines, the last %q", len(lines), lines[len(lines)-1])
	}
}

func TestEmptyFileIsValid(t *testing.T) {
	f, err := Parse("f.dproto", []byte("// nothing\n"))
	if err != nil || len(f.Messages) != 0 || len(f.Services) != 0 {
		t.Fatalf("%v %+v", err, f)
	}
}

// FuzzParseIDL: any text parses or fails with an ErrorList whose every
// error lies in the file; what parses is laid out within MaxSize, its
// fields contiguous, its RPCs resolved and numbered without repeats.
func FuzzParseIDL(f *testing.F) {
	f.Add(sample)
	f.Add("message A { string[16] k; bytes[36] v; }")
	f.Add("message A {}\nservice S { rpc F(A) returns (A) = 65535; rpc G(A) returns (A); }")
	f.Add("message A { int8[99999999999999999999] x; }")
	f.Fuzz(func(t *testing.T, src string) {
		file, err := Parse("f.dproto", []byte(src))
		if err != nil {
			checkErrors(t, src, err)
			return
		}
		for _, m := range file.Messages {
			end := 0
			for _, fl := range m.Fields {
				if fl.Offset != end {
					t.Fatalf("%s.%s at %d, want %d", m.Name, fl.Name, fl.Offset, end)
				}
				end += fl.Type.Size()
			}
			if end != m.Size || m.Size > MaxSize {
				t.Fatalf("%s: size %d, fields end at %d", m.Name, m.Size, end)
			}
		}
		for _, s := range file.Services {
			seen := map[uint16]bool{}
			for _, r := range s.RPCs {
				if r.Arg == nil || r.Ret == nil || seen[r.Fn] {
					t.Fatalf("%s.%s: %+v", s.Name, r.Name, r)
				}
				seen[r.Fn] = true
			}
		}
	})
}

func checkErrors(t *testing.T, src string, err error) {
	var list ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("%T %v: not an ErrorList", err, err)
	}
	lines := strings.Count(src, "\n") + 1
	for _, e := range list {
		if e.File != "f.dproto" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 || e.Msg == "" {
			t.Fatalf("error %q out of the file (%d lines)", e, lines)
		}
	}
}
