package ring

// Property tests (github.com/leanovate/gopter) for the pure parts of the
// ring: the slot codec, the header word's bit layout, the ring's index
// arithmetic across wrap-around, and a sequential model of the credit
// protocol run against a real Ring in step mode. The model is a FIFO queue
// of at most `slots` RPCs, counting the ones whose credit is not back yet.
//
// Every test runs a fixed number of checks (propChecks) from a seed that it
// logs. It takes a fresh seed each run unless GOPTER_SEED is set, so that
// CI keeps exploring and a failure it prints reproduces on the same commit:
//
//	GOPTER_SEED=1234 go test -run '^TestPropRingCommands$' -v ./impl/ring/
//
// GOPTER_CHECKS sets a different number of checks, for a longer campaign.

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/daggercheck/daggercheck/impl/slot"
	"github.com/daggercheck/daggercheck/internal/gopterseed"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
	"github.com/leanovate/gopter/gen"
	"github.com/leanovate/gopter/prop"
)

// propChecks is the number of successful checks each property needs.
const propChecks = 500

// propParams returns gopter's parameters for one test, from a logged seed.
func propParams(t *testing.T, checks int) *gopter.TestParameters {
	t.Helper()
	return gopterseed.Params(t, checks, "./impl/ring/")
}

// runProps checks the properties and returns whether all held, with
// gopter's report (the falsifying, shrunk arguments on a failure).
func runProps(props *gopter.Properties) (bool, string) {
	var out strings.Builder
	ok := props.Run(gopter.NewFormatedReporter(true, 200, &out))
	return ok, out.String()
}

// checkProps checks the properties and fails t, naming the seed, unless
// all hold.
func checkProps(t *testing.T, params *gopter.TestParameters, props *gopter.Properties) {
	t.Helper()
	ok, report := runProps(props)
	t.Log(report)
	if !ok {
		t.Errorf("gopter: a property failed with seed %d; reproduce with %s", params.Seed(), gopterseed.Reproduce(t, params, "./impl/ring/"))
	}
}

// --- Generators ---

// genU32, genU16 and genU8 draw the whole range, with the edges (0, 1,
// all ones, the top bit) more often than uniform drawing would.
func genU32() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 6, Gen: gen.UInt32()},
		{Weight: 1, Gen: gen.OneConstOf(uint32(0), uint32(1), uint32(math.MaxUint32), uint32(1<<31))},
	})
}

func genU16() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 6, Gen: gen.UInt16()},
		{Weight: 1, Gen: gen.OneConstOf(uint16(0), uint16(1), uint16(math.MaxUint16), uint16(1<<15), uint16(0xff), uint16(0xff00))},
	})
}

func genU8() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 6, Gen: gen.UInt8()},
		{Weight: 1, Gen: gen.OneConstOf(uint8(0), uint8(1), uint8(math.MaxUint8), uint8(1<<7))},
	})
}

// genArgs draws the 52 argument bytes.
func genArgs() gopter.Gen { return gen.ArrayOfN(slot.ArgsSize, gen.UInt8()) }

// genRPCWith draws an RPC: every header field over its whole range, argl
// from arglGen, and the argument bytes; with zeroTail the bytes past argl
// are zero, as SetArgs leaves them. It shrinks field by field.
func genRPCWith(arglGen gopter.Gen, zeroTail bool) gopter.Gen {
	return gopter.DeriveGen(
		func(resp bool, id uint32, nf, fid uint8, fn, argl uint16, conn uint8, args [slot.ArgsSize]byte) slot.RPC {
			r := slot.RPC{Response: resp, RPCID: id, NFrames: nf, FrameID: fid, FnID: fn, Argl: argl, ConnID: conn, Args: args}
			if zeroTail && int(argl) < slot.ArgsSize {
				clear(r.Args[argl:])
			}
			return r
		},
		func(r slot.RPC) (bool, uint32, uint8, uint8, uint16, uint16, uint8, [slot.ArgsSize]byte) {
			return r.Response, r.RPCID, r.NFrames, r.FrameID, r.FnID, r.Argl, r.ConnID, r.Args
		},
		gen.Bool(), genU32(), genU8(), genU8(), genU16(), arglGen, genU8(), genArgs(),
	)
}

// genRPC draws an RPC the codec accepts, in the canonical form SetArgs
// gives: argl 0..52, zero past it.
func genRPC() gopter.Gen {
	return genRPCWith(gen.Weighted([]gen.WeightedGen{
		{Weight: 6, Gen: gen.UInt16Range(0, slot.ArgsSize)},
		{Weight: 1, Gen: gen.OneConstOf(uint16(0), uint16(slot.ArgsSize))},
	}), true)
}

// genSlots draws a ring size, 1..8.
func genSlots() gopter.Gen { return gen.IntRange(1, 8) }

// genBase draws how many RPCs a ring has carried before a property starts:
// mostly a few laps' worth, sometimes just under or over 2^32 (where a
// 32-bit count would wrap) and 2^63 (where a signed one would).
func genBase() gopter.Gen {
	return gen.Weighted([]gen.WeightedGen{
		{Weight: 4, Gen: gen.UInt64Range(0, 10_000)},
		{Weight: 1, Gen: gen.UInt64Range(1<<32-64, 1<<32+64)},
		{Weight: 1, Gen: gen.UInt64Range(1<<63-64, 1<<63+64)},
	})
}

// --- The ring's arithmetic, restated from docs/protocol.md ---

// wantPhase is RPC k's phase, (k div slots + 1) mod 2, written so that it
// cannot overflow for any k.
func wantPhase(k uint64, slots int) uint8 { return uint8((k/uint64(slots))&1) ^ 1 }

// lastOccupant is the last of RPCs 0..written-1 that went to slot (RPC k
// goes to slot k mod slots), if any did.
func lastOccupant(written uint64, slots, idx int) (uint64, bool) {
	if written == 0 {
		return 0, false
	}
	w := written - 1
	back := (w%uint64(slots) + uint64(slots) - uint64(idx)) % uint64(slots)
	if back > w {
		return 0, false
	}
	return w - back, true
}

// fillerRPC is RPC k of the laps a ring is fast-forwarded over: every
// field derives from k.
func fillerRPC(k uint64) slot.RPC {
	r := slot.RPC{RPCID: uint32(k), NFrames: uint8(k >> 32), FrameID: uint8(k >> 40), FnID: uint16(k >> 48), ConnID: uint8(k), Argl: uint16(k % (slot.ArgsSize + 1))}
	for i := range r.Args {
		r.Args[i] = byte(k>>(8*(i%8))) ^ byte(i)
	}
	return r
}

// wantLine is the line the producer stores for RPC k: its bytes in Dagger's
// layout, with k's phase and valid = 1, by the public byte encoder.
func wantLine(rpc slot.RPC, k uint64, slots int) (slot.Line, error) {
	var s slot.Slot
	if err := rpc.Encode(&s, wantPhase(k, slots), true); err != nil {
		return slot.Line{}, err
	}
	return slot.LineOf(&s), nil
}

// fastForward puts a new ring with no faults in the state that `base` RPCs
// (fillerRPC), each sent whole and received with its credit returned,
// would leave: producer, consumer and credit line at base, and each slot
// holding the last of those RPCs to use it. It lets the properties start
// near 2^32 and 2^63. It is the one place where these tests reach into
// the producer's and consumer's registers rather than the public API.
func fastForward(r *Ring, base uint64) {
	p, c := r.prod, r.cons
	if r.faults != (Faults{}) || p.sent != 0 || c.next != 0 {
		panic("fastForward: needs a new ring without faults")
	}
	p.sent, p.credit = base, base
	c.next, c.returned = base, base
	atomic.StoreUint64(&r.credit[0], base)
	for idx := range r.slots {
		k, ok := lastOccupant(base, r.slots, idx)
		if !ok {
			continue
		}
		l, err := wantLine(fillerRPC(k), k, r.slots)
		if err != nil {
			panic(err)
		}
		w := r.line(idx)
		for i := range l {
			atomic.StoreUint64(&w[i], l[i])
		}
	}
}

// --- 1. The slot codec ---

// TestPropSlotRoundTrip: Encode then DecodeSlot gives back the RPC, with
// the control bits Encode was asked for; the word codec the ring uses
// agrees with the byte codec; and any 64 bytes either decode to an RPC
// that encodes back to the same bytes, or are ErrMalformed.
func TestPropSlotRoundTrip(t *testing.T) {
	params := propParams(t, propChecks)
	props := gopter.NewProperties(params)

	props.Property("Encode then DecodeSlot is the identity, and sets flag and valid as asked", prop.ForAll(
		func(r slot.RPC, flag uint8, valid bool) string {
			var s slot.Slot
			if err := r.Encode(&s, flag, valid); err != nil {
				return "Encode: " + err.Error()
			}
			got, c, err := slot.Decode(&s)
			switch {
			case err != nil:
				return "DecodeSlot: " + err.Error()
			case got != r:
				return fmt.Sprintf("decoded %s", got)
			case c.Flag() != flag || c.Valid() != valid || c.Response() != r.Response || c&0xf8 != 0: // the reserved control bits
				return fmt.Sprintf("control byte %#02x (%s)", uint8(c), c)
			}
			l := slot.LineOf(&s)
			if w := r.Line(flag, valid); w != l {
				return fmt.Sprintf("Line %x, the bytes' words %x", w, l)
			}
			var back slot.RPC
			if err := l.DecodeInto(&back); err != nil || back != r {
				return fmt.Sprintf("DecodeInto: %s, %v", back, err)
			}
			return ""
		},
		genRPC(), gen.UInt8Range(0, 1), gen.Bool(),
	))

	props.Property("Encode refuses argl over 52 with ErrTooLarge and leaves the slot as it was", prop.ForAll(
		func(r slot.RPC, raw [slot.Size]byte) string {
			s := slot.Slot(raw)
			if err := r.Encode(&s, 1, true); !errors.Is(err, slot.ErrTooLarge) {
				return fmt.Sprintf("Encode with argl %d: %v", r.Argl, err)
			}
			if s != slot.Slot(raw) {
				return "the refused Encode wrote the slot"
			}
			return ""
		},
		genRPCWith(gen.UInt16Range(slot.ArgsSize+1, math.MaxUint16), false), gen.ArrayOfN(slot.Size, gen.UInt8()),
	))

	// Raw bytes alone would almost never decode (the reserved control bits
	// and an argl over 52 are each likely), so with `nudge` the control
	// byte and argl are drawn from near the valid range. Both outcomes must
	// occur often, or the property says little; decoded and refused count
	// them.
	var decoded, refused int
	props.Property("any 64 bytes are ErrMalformed or round-trip", prop.ForAll(
		func(raw [slot.Size]byte, nudge bool, ctl uint8, argl uint16) string {
			s := slot.Slot(raw)
			if nudge {
				s[0] = ctl
				s[9], s[10] = byte(argl), byte(argl>>8)
			}
			r, c, err := slot.Decode(&s)
			l := slot.LineOf(&s)
			lr, lc, lerr := l.Decode()
			if r != lr || c != lc || (err == nil) != (lerr == nil) {
				return fmt.Sprintf("DecodeSlot gives %s, %s, %v; Line.Decode gives %s, %s, %v", r, c, err, lr, lc, lerr)
			}
			if c != slot.Control(s[0]) {
				return fmt.Sprintf("control %#02x, byte 0 is %#02x", uint8(c), s[0])
			}
			if err != nil {
				refused++
				if !errors.Is(err, slot.ErrMalformed) || r != (slot.RPC{}) {
					return fmt.Sprintf("refused with %v and %s; want ErrMalformed and the zero RPC", err, r)
				}
				if arglOK, ctlOK := binaryArgl(&s) <= slot.ArgsSize, s[0]&0xf8 == 0; arglOK && ctlOK {
					return fmt.Sprintf("refused a well-formed slot: %v", err)
				}
				return ""
			}
			decoded++
			var again slot.Slot
			if err := r.Encode(&again, c.Flag(), c.Valid()); err != nil {
				return "re-Encode: " + err.Error()
			}
			if again != s {
				return fmt.Sprintf("re-encoded to %x, was %x", again, s)
			}
			if r2, c2, err := slot.Decode(&again); err != nil || r2 != r || c2 != c {
				return fmt.Sprintf("re-decoded %s, %s, %v", r2, c2, err)
			}
			return ""
		},
		gen.ArrayOfN(slot.Size, gen.UInt8()), gen.Bool(), gen.UInt8Range(0, 15), gen.UInt16Range(0, slot.ArgsSize+8),
	))
	checkProps(t, params, props)
	if least := params.MinSuccessfulTests / 10; min(decoded, refused) < least {
		t.Errorf("raw bytes: %d decoded, %d refused; the generator should give both at least %d times", decoded, refused, least)
	}
}

// binaryArgl is bytes 9..10 of a slot, little-endian: argl.
func binaryArgl(s *slot.Slot) int { return int(s[9]) | int(s[10])<<8 }

// --- 2. The header word's bit layout ---

// TestPropHeaderWordLayout: the header word (word 0) holds each field
// exactly where slot.go documents it, and word 1 and words 2..7 hold the
// rest; the expected words are built here from the documented layout, and
// compared with the byte encoder's words, the word encoder's, the words a
// real ring stores, and the HeaderWord accessors.
func TestPropHeaderWordLayout(t *testing.T) {
	params := propParams(t, propChecks)
	props := gopter.NewProperties(params)
	props.Property("header word: control 0..7 (response 0, update_flag 1, valid 2), rpc_id 8..39, n_of_frames 40..47, frame_id 48..55, fn_id low byte 56..63", prop.ForAll(
		func(r slot.RPC, flag uint8, valid bool, slots int) string {
			// The documented layout, bit by bit.
			var hdr uint64
			setBit := func(w *uint64, bit int, on bool) {
				if on {
					*w |= 1 << bit
				}
			}
			setField := func(w *uint64, lo, hi int, v uint64) {
				for b := lo; b <= hi; b++ {
					setBit(w, b, v>>(b-lo)&1 == 1)
				}
			}
			setBit(&hdr, 0, r.Response)
			setBit(&hdr, 1, flag == 1)
			setBit(&hdr, 2, valid)
			// bits 3..7 reserved, zero
			setField(&hdr, 8, 39, uint64(r.RPCID))
			setField(&hdr, 40, 47, uint64(r.NFrames))
			setField(&hdr, 48, 55, uint64(r.FrameID))
			setField(&hdr, 56, 63, uint64(r.FnID&0xff))
			var want slot.Line
			want[0] = hdr
			setField(&want[1], 0, 7, uint64(r.FnID>>8))
			setField(&want[1], 8, 23, uint64(r.Argl))
			setField(&want[1], 24, 31, uint64(r.ConnID))
			for i := range 4 {
				setField(&want[1], 32+8*i, 39+8*i, uint64(r.Args[i]))
			}
			for i := 4; i < slot.ArgsSize; i++ {
				w := 2 + (i-4)/8
				lo := 8 * ((i - 4) % 8)
				setField(&want[w], lo, lo+7, uint64(r.Args[i]))
			}

			var s slot.Slot
			if err := r.Encode(&s, flag, valid); err != nil {
				return "Encode: " + err.Error()
			}
			if got := slot.LineOf(&s); got != want {
				return fmt.Sprintf("byte encoder's words %016x, documented layout %016x", got, want)
			}
			if got := r.Line(flag, valid); got != want {
				return fmt.Sprintf("word encoder %016x, documented layout %016x", got, want)
			}
			h := slot.HeaderWord(hdr)
			if h.Control() != slot.Control(hdr&0xff) || h.Valid() != valid || h.Flag() != flag || h.RPCID() != r.RPCID ||
				h.NFrames() != r.NFrames || h.FrameID() != r.FrameID || h.Control().Response() != r.Response {
				return fmt.Sprintf("accessors of %016x: %s n_of_frames=%d frame_id=%d", hdr, h, h.NFrames(), h.FrameID())
			}

			// What a real ring stores for this RPC as its first: the
			// same words with phase 1 and valid 1.
			ring, err := NewRing(slots, Faults{})
			if err != nil {
				return err.Error()
			}
			if err := ring.Producer().Send(r); err != nil {
				return "Send: " + err.Error()
			}
			stored := want
			stored[0] = stored[0]&^0b110 | 1<<1 | 1<<2
			if got := ring.Line(0); got != stored {
				return fmt.Sprintf("the ring stored %016x, documented layout %016x", got, stored)
			}
			return ""
		},
		genRPC(), gen.UInt8Range(0, 1), gen.Bool(), genSlots(),
	))
	checkProps(t, params, props)
}

// --- 3. Index arithmetic across wrap-around ---

// TestPropRingPlacement: from any starting count (a few laps, or around
// 2^32 or 2^63), RPC k goes to slot k mod slots — its stores touch that
// slot and no other — with phase (k div slots + 1) mod 2, replacing RPC
// k-slots, whose phase was the other one; and the consumer takes it there.
func TestPropRingPlacement(t *testing.T) {
	params := propParams(t, propChecks)
	props := gopter.NewProperties(params)
	props.Property("phase(k) = (k div slots + 1) mod 2 for every uint64 k", prop.ForAll(
		func(slots int, k uint64) bool {
			r, err := NewRing(slots, Faults{})
			return err == nil && r.phase(k) == wantPhase(k, slots)
		},
		genSlots(), gen.Weighted([]gen.WeightedGen{
			{Weight: 3, Gen: gen.UInt64()},
			{Weight: 1, Gen: gen.UInt64Range(math.MaxUint64-64, math.MaxUint64)},
			{Weight: 1, Gen: genBase()},
		}),
	))
	props.Property("RPC k goes to slot k mod slots, phase (k div slots + 1) mod 2, after RPC k-slots of the other phase", prop.ForAll(
		func(slots int, base uint64, count, lag int) string {
			r, err := NewRing(slots, Faults{})
			if err != nil {
				return err.Error()
			}
			fastForward(r, base)
			p, c := r.Producer(), r.Consumer()
			lag = min(lag, slots) // RPCs in flight before the consumer takes one
			for i := range count {
				k := base + uint64(i)
				idx := int(k % uint64(slots))
				before := make([]slot.Line, slots)
				for j := range before {
					before[j] = r.Line(j)
				}
				// The slot's last occupant, RPC k-slots, if k >= slots.
				if k >= uint64(slots) {
					prev, _ := wantLine(fillerRPC(k-uint64(slots)), k-uint64(slots), slots)
					if before[idx] != prev {
						return fmt.Sprintf("RPC %d: slot %d holds %016x, not RPC %d", k, idx, before[idx], k-uint64(slots))
					}
				} else if before[idx] != (slot.Line{}) {
					return fmt.Sprintf("RPC %d: slot %d, never written, holds %016x", k, idx, before[idx])
				}
				if err := p.Begin(fillerRPC(k)); err != nil {
					return fmt.Sprintf("RPC %d: Begin: %v", k, err)
				}
				for p.NextStore() != StoreNone {
					if _, err := p.Step(); err != nil {
						return fmt.Sprintf("RPC %d: %v", k, err)
					}
				}
				for j := range slots {
					if l := r.Line(j); j != idx && l != before[j] {
						return fmt.Sprintf("RPC %d (slot %d) changed slot %d", k, idx, j)
					}
				}
				got := r.Line(idx)
				want, _ := wantLine(fillerRPC(k), k, slots)
				if got != want {
					return fmt.Sprintf("RPC %d: slot %d holds %016x (%s), want %016x", k, idx, got, got.Header(), want)
				}
				if k >= uint64(slots) && got.Header().Flag() == before[idx].Header().Flag() {
					return fmt.Sprintf("RPC %d and RPC %d, consecutive in slot %d, both have phase %d", k-uint64(slots), k, idx, got.Header().Flag())
				}
				if p.Sent()-c.Next() < uint64(lag) {
					continue
				}
				want0 := fillerRPC(c.Next())
				rpc, err := c.Receive()
				if err != nil || rpc != want0 {
					return fmt.Sprintf("Receive after RPC %d: %s, %v; want %s", k, rpc, err, want0)
				}
			}
			return ""
		},
		genSlots(), genBase(), gen.IntRange(1, 24), gen.IntRange(1, 8),
	))
	checkProps(t, params, props)
}

// TestPropRingAdmission: Begin admits RPC n iff n < credit + slots, credit
// being what the consumer has published. The producer sends n RPCs; the
// consumer takes c of them, returning credit only when the producer would
// otherwise be stuck and, if ret, at the end.
func TestPropRingAdmission(t *testing.T) {
	params := propParams(t, propChecks)
	props := gopter.NewProperties(params)
	props.Property("Begin succeeds iff n < credit + slots", prop.ForAll(
		func(slots int, base uint64, n, behind int, ret bool) string {
			r, err := NewRing(slots, Faults{})
			if err != nil {
				return err.Error()
			}
			fastForward(r, base)
			p, c := r.Producer(), r.Consumer()
			take := func() string {
				want := fillerRPC(c.Next())
				if rpc, err := c.Take(); err != nil || rpc != want {
					return fmt.Sprintf("Take at %d: %s, %v; want %s", c.Next(), rpc, err, want)
				}
				return ""
			}
			consumed := 0
			for sent := range n {
				if sent-consumed == slots {
					if msg := take(); msg != "" {
						return msg
					}
					consumed++
					c.ReturnCredit()
				}
				if err := p.Send(fillerRPC(base + uint64(sent))); err != nil {
					return fmt.Sprintf("Send %d after %d consumed: %v", base+uint64(sent), consumed, err)
				}
			}
			credit := consumed
			for consumed < n-min(behind, slots, n) {
				if msg := take(); msg != "" {
					return msg
				}
				consumed++
			}
			if ret {
				c.ReturnCredit()
				credit = consumed
			}
			if r.Credit() != base+uint64(credit) {
				return fmt.Sprintf("credit line %d, want %d", r.Credit(), base+uint64(credit))
			}
			before := r.Abstract().String()
			err = p.Begin(fillerRPC(base + uint64(n)))
			switch admit := n < credit+slots; {
			case admit && err != nil:
				return fmt.Sprintf("Begin RPC %d with credit %d: %v", base+uint64(n), base+uint64(credit), err)
			case !admit && !errors.Is(err, ErrRingFull):
				return fmt.Sprintf("Begin RPC %d with credit %d: %v; want ErrRingFull", base+uint64(n), base+uint64(credit), err)
			case !admit && r.Abstract().String() != before:
				return fmt.Sprintf("refused Begin changed the ring:\n%s\n%s", before, r.Abstract())
			}
			return ""
		},
		genSlots(), genBase(), gen.IntRange(0, 40), gen.IntRange(0, 8), gen.Bool(),
	))
	checkProps(t, params, props)
}

// --- 4. The credit protocol against a FIFO model ---

// ringOp is one call of the ring's public API that a command makes.
type ringOp uint8

const (
	opSend         ringOp = iota // Producer.Send(rpc)
	opBegin                      // Producer.Begin(rpc)
	opStep                       // Producer.Step()
	opReceive                    // Consumer.Receive()
	opTake                       // Consumer.Take()
	opReturnCredit               // Consumer.ReturnCredit()
	opPoll                       // Consumer.Poll(batch, nil)
	opPollLine                   // Consumer.PollLine(slot)
	opProcess                    // Consumer.Process(nil)
	opLoadHeader                 // Consumer.LoadHeader()
	opLoadArgs                   // Consumer.LoadArgs()
	opRecheck                    // Consumer.Recheck()
)

var ringOpNames = [...]string{"Send", "Begin", "Step", "Receive", "Take", "ReturnCredit", "Poll", "PollLine", "Process", "LoadHeader", "LoadArgs", "Recheck"}

// creditStores is the producer's program order under the credit protocol
// (docs/protocol.md): the arguments, a fence, then the header word.
var creditStores = [...]Store{StoreArgs, StoreFence, StoreHeader}

// polledHdr is a line in the model's poll buffer: the slot, and which RPC
// its header word belonged to when it was read.
type polledHdr struct {
	slot int
	rpc  uint64
	ok   bool // false: the slot had never been written
}

// expect is what the model says a command returns.
type expect struct {
	errs   []error    // any of these; none: success
	rpcs   []slot.RPC // the RPCs taken, in order
	took   bool       // LoadArgs, Recheck
	stored bool       // ReturnCredit
	store  Store      // Step
}

// ringModel is the reference: the credit protocol as a sequential caller
// sees it. RPCs are numbered in the order Begin admits them, from base; the
// ones written in full and not yet consumed form a FIFO queue, and Begin
// admits one more only while fewer than `slots` are admitted and not
// credited back (queued, being written, or consumed without their credit
// returned). Taking returns the queue's head or ErrEmpty, never anything
// else, so that no torn, duplicated, lost or reordered RPC goes unseen. It
// is a value: NextState copies it.
type ringModel struct {
	slots   int
	base    uint64     // RPCs carried before the commands (fastForward)
	log     []slot.RPC // RPC base+i is log[i]
	sent    uint64     // admitted
	written uint64     // all stores done; sent-written is 1 while one is written
	stores  int        // stores of RPC written done, while it is written
	next    uint64     // consumed
	credit  uint64     // the credit line
	load    Load       // the host's next load
	read    []polledHdr
	step    int // commands run, to name the one that fails
	want    expect
}

func (m ringModel) String() string { return fmt.Sprintf("slots=%d base=%d", m.slots, m.base) }

func (m *ringModel) rpc(k uint64) slot.RPC {
	if k < m.base {
		return fillerRPC(k)
	}
	return m.log[k-m.base]
}

// writing reports whether an admitted RPC still has stores to do.
func (m *ringModel) writing() bool { return m.sent > m.written }

func (m *ringModel) nextStore() Store {
	if !m.writing() {
		return StoreNone
	}
	return creditStores[m.stores]
}

// take consumes the queue's head, if there is one.
func (m *ringModel) take() bool {
	if m.next == m.written {
		return false
	}
	m.want.rpcs = append(m.want.rpcs, m.rpc(m.next))
	m.next++
	return true
}

// fail says the command returns one of errs.
func (m *ringModel) fail(errs ...error) { m.want.errs = errs }

// admit is Begin in the model: the errors that apply, else the RPC is
// admitted.
func (m *ringModel) admit(rpc slot.RPC) bool {
	var errs []error
	if m.writing() {
		errs = append(errs, ErrStepOrder)
	}
	if m.sent-m.credit >= uint64(m.slots) {
		errs = append(errs, ErrRingFull)
	}
	if rpc.Argl > slot.ArgsSize {
		errs = append(errs, slot.ErrTooLarge)
	}
	if len(errs) > 0 {
		m.fail(errs...)
		return false
	}
	m.log = append(m.log, rpc)
	m.sent++
	m.stores = 0
	return true
}

// storeNext does the next store of the RPC being written; the last one,
// the header word, publishes it.
func (m *ringModel) storeNext() {
	m.want.store = creditStores[m.stores]
	if m.stores++; m.stores == len(creditStores) {
		m.written++
		m.stores = 0
	}
}

// header is which RPC the header word of slot belongs to: the last one
// written in full there.
func (m *ringModel) header(idx int) (uint64, bool) { return lastOccupant(m.written, m.slots, idx) }

// line is what slot holds: its last RPC written in full, with that RPC's
// phase and valid = 1; while an RPC is written there, its arguments once
// stored (they go first), under the old header word.
func (m *ringModel) line(idx int) (slot.Line, error) {
	var l slot.Line
	if k, ok := m.header(idx); ok {
		var err error
		if l, err = wantLine(m.rpc(k), k, m.slots); err != nil {
			return l, err
		}
	}
	if m.writing() && int(m.written%uint64(m.slots)) == idx && m.stores > 0 {
		cur, err := wantLine(m.rpc(m.written), m.written, m.slots)
		if err != nil {
			return l, err
		}
		copy(l[1:], cur[1:])
	}
	return l, nil
}

// ringCmd is one command: an op and its arguments.
type ringCmd struct {
	op    ringOp
	rpc   slot.RPC // Send, Begin
	batch int      // Poll
	slot  int      // PollLine
}

func (c ringCmd) String() string {
	switch c.op {
	case opSend, opBegin:
		return fmt.Sprintf("%s(%s)", ringOpNames[c.op], c.rpc)
	case opPoll:
		return fmt.Sprintf("Poll(%d)", c.batch)
	case opPollLine:
		return fmt.Sprintf("PollLine(%d)", c.slot)
	}
	return ringOpNames[c.op] + "()"
}

// ringResult is what a command got from the ring, and the ring after it.
type ringResult struct {
	err    error
	rpcs   []slot.RPC
	took   bool
	stored bool
	store  Store
	after  State
	lines  []slot.Line
}

func (c ringCmd) Run(sut commands.SystemUnderTest) commands.Result {
	r := sut.(*Ring)
	p, cons := r.Producer(), r.Consumer()
	var res ringResult
	one := func(rpc slot.RPC, err error) {
		res.err = err
		if err == nil {
			res.rpcs = []slot.RPC{rpc}
		}
	}
	switch c.op {
	case opSend:
		res.err = p.Send(c.rpc)
	case opBegin:
		res.err = p.Begin(c.rpc)
	case opStep:
		res.store, res.err = p.Step()
	case opReceive:
		one(cons.Receive())
	case opTake:
		one(cons.Take())
	case opReturnCredit:
		res.stored = cons.ReturnCredit()
	case opPoll:
		res.rpcs, res.err = cons.Poll(c.batch, nil)
	case opPollLine:
		_, res.err = cons.PollLine(c.slot)
	case opProcess:
		res.rpcs, res.err = cons.Process(nil)
	case opLoadHeader:
		res.err = cons.LoadHeader()
	case opLoadArgs:
		var rpc slot.RPC
		rpc, res.took, res.err = cons.LoadArgs()
		if res.took {
			res.rpcs = []slot.RPC{rpc}
		}
	case opRecheck:
		var rpc slot.RPC
		rpc, res.took, res.err = cons.Recheck()
		if res.took {
			res.rpcs = []slot.RPC{rpc}
		}
	}
	res.after = r.Abstract()
	for i := range r.Slots() {
		res.lines = append(res.lines, r.Line(i))
	}
	return res
}

func (c ringCmd) NextState(st commands.State) commands.State {
	m := st.(ringModel)
	m.log = slices.Clip(m.log) // appends copy: states share no memory
	m.read = slices.Clone(m.read)
	m.want = expect{}
	m.step++
	switch c.op {
	case opSend:
		if m.admit(c.rpc) {
			for m.writing() {
				m.storeNext()
			}
			m.want.store = StoreNone // Send reports no store
		}
	case opBegin:
		m.admit(c.rpc)
	case opStep:
		if !m.writing() {
			m.fail(ErrStepOrder)
			break
		}
		m.storeNext()
	case opReceive, opTake:
		switch {
		case m.load != LoadHeader || len(m.read) > 0:
			m.fail(ErrStepOrder)
		case !m.take():
			m.fail(ErrEmpty)
		}
		if c.op == opReceive { // Receive returns the credit whatever happened
			m.credit = m.next
		}
	case opReturnCredit:
		m.want.stored = m.credit < m.next
		m.credit = m.next
	case opPoll:
		if m.load != LoadHeader || len(m.read) > 0 {
			m.fail(ErrStepOrder)
			break
		}
		for range min(max(c.batch, 1), m.slots) {
			if !m.take() {
				break
			}
		}
		if len(m.want.rpcs) == 0 {
			m.fail(ErrEmpty)
		}
		m.credit = m.next
	case opPollLine:
		if m.load != LoadHeader {
			m.fail(ErrStepOrder)
			break
		}
		k, ok := m.header(c.slot)
		m.read = append(m.read, polledHdr{c.slot, k, ok})
	case opProcess:
		// A polled line is taken iff it is the slot at the consumer's
		// position and its header was that position's RPC when polled.
		for _, p := range m.read {
			if p.ok && p.rpc == m.next && p.slot == int(m.next%uint64(m.slots)) {
				m.take()
			}
		}
		m.read = nil
	case opLoadHeader:
		switch {
		case m.load != LoadHeader || len(m.read) > 0:
			m.fail(ErrStepOrder)
		case m.next == m.written:
			m.fail(ErrEmpty)
		default:
			m.load = LoadArgs
		}
	case opLoadArgs:
		if m.load != LoadArgs {
			m.fail(ErrStepOrder)
			break
		}
		m.load = LoadRecheck
	case opRecheck:
		if m.load != LoadRecheck {
			m.fail(ErrStepOrder)
			break
		}
		// Nothing can have changed the header: the producer never
		// stores into a slot the consumer has not consumed.
		m.want.took = m.take()
		m.load = LoadHeader
	}
	return m
}

func (c ringCmd) PreCondition(commands.State) bool { return true }

// PostCondition compares the ring's answer and its state after the command
// with the model's (st is the model after the command).
func (c ringCmd) PostCondition(st commands.State, result commands.Result) *gopter.PropResult {
	m, res := st.(ringModel), result.(ringResult)
	fail := func(format string, args ...any) *gopter.PropResult {
		return gopter.NewPropResult(false, fmt.Sprintf("command %d, %s: ", m.step, c)+fmt.Sprintf(format, args...))
	}
	w := m.want
	switch {
	case len(w.errs) == 0 && res.err != nil:
		return fail("error %v, want success", res.err)
	case len(w.errs) > 0 && !slices.ContainsFunc(w.errs, func(e error) bool { return errors.Is(res.err, e) }):
		return fail("error %v, want one of %v", res.err, w.errs)
	case !slices.Equal(res.rpcs, w.rpcs):
		return fail("took %v, want %v (the queue's head first)", res.rpcs, w.rpcs)
	case res.took != w.took:
		return fail("took=%v, want %v", res.took, w.took)
	case res.stored != w.stored:
		return fail("ReturnCredit stored=%v, want %v", res.stored, w.stored)
	case res.store != w.store:
		return fail("stored %s, want %s", res.store, w.store)
	}
	a := res.after
	if a.Sent != m.sent || a.Next != m.next || a.Credit != m.credit || a.NextStore != m.nextStore() || a.Load != m.load {
		return fail("ring has sent=%d next=%d credit=%d next-store=%s load=%s; model sent=%d next=%d credit=%d next-store=%s load=%s",
			a.Sent, a.Next, a.Credit, a.NextStore, a.Load, m.sent, m.next, m.credit, m.nextStore(), m.load)
	}
	if len(a.Read) != len(m.read) {
		return fail("poll buffer holds %d lines, want %d", len(a.Read), len(m.read))
	}
	for i, p := range a.Read {
		if p.Slot != m.read[i].slot {
			return fail("poll buffer line %d is slot %d, want %d", i, p.Slot, m.read[i].slot)
		}
	}
	for idx, got := range res.lines {
		want, err := m.line(idx)
		if err != nil {
			return fail("model: %v", err)
		}
		if got != want {
			return fail("slot %d holds %016x, want %016x", idx, got, want)
		}
	}
	return gopter.NewPropResult(true, "")
}

// drawSendRPC draws what a caller might hand the producer: every header
// field over its whole range, arbitrary argument bytes (the ring carries
// all 52), and one time in sixteen an argl over 52, which Begin refuses.
// It draws straight from gopter's Rng: the commands draw thousands of
// RPCs, and gopter's reflective generators would make that slow. (A
// failing sequence still shrinks, by dropping commands.)
func drawSendRPC(p *gopter.GenParameters) slot.RPC {
	rng := p.Rng
	r := slot.RPC{
		Response: rng.Intn(2) == 1, RPCID: rng.Uint32(), NFrames: uint8(rng.Uint32()), FrameID: uint8(rng.Uint32()),
		FnID: uint16(rng.Uint32()), ConnID: uint8(rng.Uint32()), Argl: uint16(rng.Intn(slot.ArgsSize + 1)),
	}
	if rng.Intn(16) == 0 {
		r.Argl = uint16(slot.ArgsSize + 1 + rng.Intn(math.MaxUint16-slot.ArgsSize))
	}
	for i := range r.Args {
		r.Args[i] = byte(rng.Uint32())
	}
	return r
}

// genRingCommand draws a command, favouring the ones that make progress in
// the model's state: the stores of an RPC being written, the host's next
// load, Process after PollLine.
func genRingCommand(st commands.State) gopter.Gen {
	m := st.(ringModel)
	favour := func(yes bool) int {
		if yes {
			return 12
		}
		return 1
	}
	weights := [...]int{
		opSend: 8, opBegin: 3, opStep: favour(m.writing()), opReceive: 5, opTake: 3, opReturnCredit: 2,
		opPoll: 2, opPollLine: 2, opProcess: favour(len(m.read) > 0),
		opLoadHeader: 2, opLoadArgs: favour(m.load == LoadArgs), opRecheck: favour(m.load == LoadRecheck),
	}
	total := 0
	for _, w := range weights {
		total += w
	}
	return func(p *gopter.GenParameters) *gopter.GenResult {
		n := p.Rng.Intn(total)
		c := ringCmd{op: opSend}
		for op, w := range weights {
			if n < w {
				c.op = ringOp(op)
				break
			}
			n -= w
		}
		switch c.op {
		case opSend, opBegin:
			c.rpc = drawSendRPC(p)
		case opPoll:
			c.batch = p.Rng.Intn(m.slots + 2) // 0 and slots+1 included: Poll clamps them
		case opPollLine:
			c.slot = int((m.next + uint64(p.Rng.Intn(m.slots))) % uint64(m.slots))
		}
		return gopter.NewGenResult(c, gopter.NoShrinker)
	}
}

// ringCommands is the state machine over a ring with the given faults,
// starting from a count drawn by bases (fastForward; 0 with faults).
func ringCommands(f Faults, bases gopter.Gen) *commands.ProtoCommands {
	return &commands.ProtoCommands{
		NewSystemUnderTestFunc: func(st commands.State) commands.SystemUnderTest {
			m := st.(ringModel)
			r, err := NewRing(m.slots, f)
			if err != nil {
				panic(err)
			}
			if m.base != 0 {
				fastForward(r, m.base)
			}
			return r
		},
		InitialStateGen: gopter.CombineGens(genSlots(), bases).Map(func(v []any) ringModel {
			base := v[1].(uint64)
			return ringModel{slots: v[0].(int), base: base, sent: base, written: base, next: base, credit: base}
		}),
		GenCommandFunc: genRingCommand,
	}
}

// TestPropRingCommands runs random sequences of the ring's public calls
// — Send, Begin and Step, Receive, Take, ReturnCredit, Poll, PollLine and
// Process, LoadHeader, LoadArgs and Recheck — against the FIFO model, and
// after each compares the result, the counters, and every slot's words.
func TestPropRingCommands(t *testing.T) {
	params := propParams(t, propChecks)
	props := gopter.NewProperties(params)
	bases := gen.Weighted([]gen.WeightedGen{
		{Weight: 4, Gen: gen.Const(uint64(0))},
		{Weight: 2, Gen: genBase()},
	})
	props.Property("the ring behaves as a FIFO of at most `slots` RPCs", commands.Prop(ringCommands(Faults{}, bases)))
	checkProps(t, params, props)
}

// TestPropRingCommandsFindBugs: the model property is not vacuous. With
// each bug of the ring model's catalogue injected, and with Dagger's
// credit-less admission, it fails within its budget; the log shows the
// shrunk command sequence.
func TestPropRingCommandsFindBugs(t *testing.T) {
	bugs := map[string]Faults{"no-credit": {NoCredit: true}}
	for _, name := range []string{"header-first", "credit-overrun", "early-credit", "phase-stuck", "late-seen", "rx-early-credit"} {
		f, err := BugFaults(name)
		if err != nil {
			t.Fatal(err)
		}
		bugs[name] = f
	}
	for _, name := range slices.Sorted(maps.Keys(bugs)) {
		t.Run(name, func(t *testing.T) {
			params := propParams(t, propChecks)
			// The budget is what is under test: never below the default.
			params.MinSuccessfulTests = max(params.MinSuccessfulTests, propChecks)
			props := gopter.NewProperties(params)
			props.Property("the ring behaves as a FIFO of at most `slots` RPCs", commands.Prop(ringCommands(bugs[name], gen.Const(uint64(0)))))
			ok, report := runProps(props)
			t.Log(report)
			if ok {
				t.Errorf("faults %s: the property held for %d checks; it should find the bug (seed %d; %s)", bugs[name], params.MinSuccessfulTests, params.Seed(), gopterseed.Reproduce(t, params, "./impl/ring/"))
			}
		})
	}
}
