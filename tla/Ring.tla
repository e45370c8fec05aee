-------------------------------- MODULE Ring --------------------------------
(***************************************************************************)
(* Dagger's host-NIC rings: per flow a TX ring (the CPU produces, the NIC  *)
(* polls in batches and forwards) or an RX ring (the NIC produces, the CPU *)
(* polls and delivers), each of Slots 64-byte lines; TX over the coherent  *)
(* interface, doorbells or MMIO.  This is the state machine of model/ring  *)
(* at its granularity: a producer's stores to a line are separate steps, a *)
(* NIC line read is an atomic snapshot, the host reads an RX line with     *)
(* separate loads.  RPC contents are abstracted to the RPC's number.       *)
(*                                                                         *)
(* Two profiles: Dagger = TRUE is the published protocol (no credits,      *)
(* flag before arguments, a seen bit that lands one poll late, RX          *)
(* freshness by rpc_id change); Dagger = FALSE is the credit protocol of   *)
(* docs/protocol.md.  Every Go state is one TLA+ state and every successor *)
(* the Go model emits is one successor here, so TLC's counts equal the Go  *)
(* checker's (tla/README.md, "Parity").                                    *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    RX,       \* TRUE: the RX ring; FALSE: the TX ring (Go: dir)
    Dagger,   \* TRUE: the published protocol; FALSE: credit (Go: protocol)
    Flows,    \* flows, each with its own ring (Go: flows)
    Slots,    \* lines per ring (Go: slots)
    RPCs,     \* RPCs each flow sends (Go: rpcs)
    Batch,    \* lines per NIC poll, tx (Go: batch)
    IDs,      \* rx: distinct rpc_id values (Go: ids)
    Interface, \* tx: "coherent", "doorbell" or "mmio" (Go: interface)
    Bug       \* "none" or a name from model/ring's catalogue

ASSUME Flows \in 1..3 /\ Slots \in 1..8 /\ RPCs \in 1..8 /\ Batch \in 1..4 /\ IDs \in 1..16
ASSUME Slots % Batch = 0
ASSUME RX \in BOOLEAN /\ Dagger \in BOOLEAN
ASSUME Interface \in {"coherent", "doorbell", "mmio"}
ASSUME Interface # "coherent" => ~RX
ASSUME Interface = "mmio" => Slots = 1 /\ Batch = 1
\* Behind a doorbell or in an MMIO window no poll falls between the
\* producer's stores: only the admission bug shows there.
ASSUME Interface # "coherent" => Bug \in {"none", "credit-overrun"}
TxBugs == {"header-first", "credit-overrun", "early-credit", "phase-stuck", "late-seen"}
RxBugs == {"rx-early-credit", "rx-no-phase"}
ASSUME Bug = "none" \/ (~Dagger /\ Bug \in (IF RX THEN RxBugs ELSE TxBugs))

FlowIds == 0 .. (Flows - 1)
SlotIds == 0 .. (Slots - 1)
BufIds == 0 .. (Batch - 1)
RpcIds == 0 .. (RPCs - 1)

\* A line as memory holds it; hdr and args name the RPC that wrote them,
\* plus one (0: none yet).
Lines == [valid: 0..1, flag: 0..1, hdr: 0..RPCs, args: 0..RPCs]
Empty == [valid |-> 0, flag |-> 0, hdr |-> 0, args |-> 0]

\* The lap's flag of RPC k: 1 on the first lap, then alternating.
Phase(k) == ((k \div Slots) + 1) % 2

\* rpc_id of response r (numbered from 1): a wrapping counter.
RpcID(r) == (r - 1) % IDs

VARIABLES
    ring,     \* ring[f][i]: line i of flow f's ring             (Go: Flow.Ring)
    sent,     \* sent[f]: RPCs whose write has begun             (Go: Flow.Sent)
    store,    \* store[f]: next store of the RPC being written   (Go: Flow.Store)
    seenb,    \* seenb[f][i]: dagger seen bit / rx last rpc_id+1 (Go: Flow.Seen)
    next,     \* next[f]: RPCs consumed (the ring's tail)        (Go: Flow.Next)
    credit,   \* credit[f]: the consumer's published count       (Go: Flow.Credit)
    load,     \* load[f]: rx host's next load (0 idle, 1, 2)     (Go: Flow.Load)
    got,      \* got[f]: what the rx host's loads returned       (Go: Flow.Got)
    taken,    \* taken[f]: the RPCs consumed (history)           (Go: Flow.Taken)
    lastc,    \* lastc[f]: the RPC consumed last, plus one       (Go: Flow.Last)
    poll,     \* the tx poller: [flow, slot, read]               (Go: PollFlow, PollSlot, PollRead)
    buf,      \* buf[j]: the lines the current poll has read     (Go: State.Buf)
    pend,     \* seen-state writes not landed: [flow, mask, val, count]  (Go: PendFlow, PendMask, PendVal)
    bad,      \* the safety properties a step broke              (Go: State.Bad)
    rung,     \* doorbell: rung[f] RPCs announced by doorbells   (Go: Flow.Rung)
    arrived   \* mmio: arrived[f] window writes not yet taken    (Go: Flow.Arrived)

vars == <<ring, sent, store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend, bad, rung, arrived>>
ifaceVars == <<rung, arrived>>

NoPend(f) == [flow |-> f, mask |-> {}, val |-> {}, count |-> 0]

Init ==
    /\ ring = [f \in FlowIds |-> [i \in SlotIds |-> Empty]]
    /\ sent = [f \in FlowIds |-> 0]
    /\ store = [f \in FlowIds |-> 0]
    /\ seenb = [f \in FlowIds |-> [i \in SlotIds |-> 0]]
    /\ next = [f \in FlowIds |-> 0]
    /\ credit = [f \in FlowIds |-> 0]
    /\ load = [f \in FlowIds |-> 0]
    /\ got = [f \in FlowIds |-> Empty]
    /\ taken = [f \in FlowIds |-> {}]
    /\ lastc = [f \in FlowIds |-> 0]
    /\ poll = [flow |-> 0, slot |-> 0, read |-> 0]
    /\ buf = [j \in BufIds |-> Empty]
    /\ pend = NoPend(0)
    /\ bad = {}
    /\ rung = [f \in FlowIds |-> 0]
    /\ arrived = [f \in FlowIds |-> 0]

(***************************************************************************)
(* Consumption (Go: consume).  The history h is [taken, last, bad]; the    *)
(* consumer of a flow takes line l, judging torn reads, duplicates and     *)
(* order.                                                                  *)
(***************************************************************************)
Consume(h, l) ==
    LET b1 == IF l.hdr # l.args \/ l.hdr = 0 THEN h.bad \cup {"torn"} ELSE h.bad
        r == l.hdr - 1
    IN IF l.hdr = 0 THEN [h EXCEPT !.bad = b1]
       ELSE [taken |-> h.taken \cup {r},
             last |-> l.hdr,
             bad |-> CASE r \in h.taken -> b1 \cup {"duplicate"}
                       [] l.hdr # h.last + 1 -> b1 \cup {"order"}
                       [] OTHER -> b1]

History(f) == [taken |-> taken[f], last |-> lastc[f], bad |-> bad]

\* The producer's first store of RPC k overwrites the slot's occupant,
\* RPC k-Slots: judged no-overwrite, and no-loss unless the consumer holds
\* a complete copy (held).
OverwriteBad(f, k, held) ==
    IF k < Slots \/ (k - Slots) \in taken[f] THEN bad
    ELSE IF held THEN bad \cup {"overwrite"} ELSE bad \cup {"overwrite", "loss"}

(***************************************************************************)
(* TX: the producer's stores, in program order per profile.                *)
(***************************************************************************)
Stores ==
    IF Dagger THEN <<"write-header", "write-args", "fence", "write-valid">>
    ELSE IF Bug = "header-first" THEN <<"write-header", "fence", "write-args">>
    ELSE <<"write-args", "fence", "write-header">>

StoreLine(l, k, name) ==
    CASE name = "write-header" ->
           [l EXCEPT !.hdr = k + 1, !.flag = Phase(k), !.valid = IF Dagger THEN @ ELSE 1]
      [] name = "write-args" -> [l EXCEPT !.args = k + 1]
      [] name = "write-valid" -> [l EXCEPT !.valid = 1]
      [] OTHER -> l

\* Written with IF, not \/: TLC explores each true disjunct of an action
\* separately, which would count one successor twice (tla/README.md).
Admits(f) ==
    IF Dagger THEN TRUE
    ELSE sent[f] < credit[f] + (IF Bug = "credit-overrun" THEN Slots + 1 ELSE Slots)

\* The NIC holds a complete snapshot of RPC r of flow f that its
\* freshness test will take when it processes the poll (Go: buffered).
Buffered(f, r) ==
    /\ poll.flow = f
    /\ \E j \in 0 .. (poll.read - 1) :
         LET l == buf[j] IN
         /\ l.valid = 1 /\ l.hdr = r /\ l.args = r
         /\ IF Dagger THEN l.flag # seenb[f][poll.slot + j]
                      ELSE r - 1 >= next[f] /\ l.flag = Phase(r - 1)

\* Doorbell: after a batch of RPCs (or the last ones) the producer must
\* ring before it writes the next.  (IF, not \/: see Admits.)
MustRing(f) ==
    IF Interface = "doorbell" /\ store[f] = 0
    THEN IF sent[f] - rung[f] = Batch THEN TRUE ELSE sent[f] = RPCs /\ sent[f] > rung[f]
    ELSE FALSE

\* The producer of flow f begins RPC sent[f] with the first store.
TxBegin(f) ==
    LET k == sent[f] IN
    /\ ~RX
    /\ Interface # "mmio"
    /\ store[f] = 0
    /\ ~MustRing(f)
    /\ k < RPCs
    /\ Admits(f)
    /\ bad' = OverwriteBad(f, k, Interface = "coherent" /\ Buffered(f, k - Slots + 1))
    /\ ring' = [ring EXCEPT ![f][k % Slots] = StoreLine(@, k, Stores[1])]
    /\ sent' = [sent EXCEPT ![f] = k + 1]
    /\ store' = [store EXCEPT ![f] = 1]
    /\ UNCHANGED <<seenb, next, credit, load, got, taken, lastc, poll, buf, pend>>
    /\ UNCHANGED ifaceVars

\* The producer's next store of the RPC it is writing.
TxStore(f) ==
    LET k == sent[f] - 1
        i == store[f]
    IN /\ ~RX
       /\ Interface # "mmio"
       /\ i # 0
       /\ ring' = [ring EXCEPT ![f][k % Slots] = StoreLine(@, k, Stores[i + 1])]
       /\ store' = [store EXCEPT ![f] = IF i + 1 = Len(Stores) THEN 0 ELSE i + 1]
       /\ UNCHANGED <<sent, seenb, next, credit, load, got, taken, lastc, poll, buf, pend, bad>>
       /\ UNCHANGED ifaceVars

\* The name of the store the producer of flow f does next (for traces).
NextStore(f) == IF store[f] = 0 THEN Stores[1] ELSE Stores[store[f] + 1]

ReturnCredit(f) ==
    /\ ~Dagger
    /\ credit[f] < next[f]
    /\ credit' = [credit EXCEPT ![f] = next[f]]
    /\ UNCHANGED <<ring, sent, store, seenb, next, load, got, taken, lastc, poll, buf, pend, bad>>
    /\ UNCHANGED ifaceVars

(***************************************************************************)
(* TX: the NIC poller reads the lines of a batch one snapshot at a time,   *)
(* then processes the batch.                                               *)
(***************************************************************************)
PollLine ==
    LET f == poll.flow
        slot == poll.slot + poll.read
        l == ring[f][slot]
        c == credit[f]
    IN /\ ~RX
       /\ Interface = "coherent"
       /\ poll.read < Batch
       /\ buf' = [buf EXCEPT ![poll.read] = l]
       /\ poll' = [poll EXCEPT !.read = @ + 1]
       \* early-credit: credit for a fresh line goes back when it is read.
       /\ credit' = IF Bug = "early-credit" /\ slot = c % Slots /\ l.valid = 1 /\ l.flag = Phase(c)
                    THEN [credit EXCEPT ![f] = c + 1] ELSE credit
       /\ UNCHANGED <<ring, sent, store, seenb, next, load, got, taken, lastc, pend, bad>>
       /\ UNCHANGED ifaceVars

\* Applies dagger's seen-bit writes of the previous poll (Go: landPending).
LandSeen(f) ==
    IF pend.mask = {} \/ pend.flow # f THEN seenb[f]
    ELSE [i \in SlotIds |-> IF i \in pend.mask THEN (IF i \in pend.val THEN 1 ELSE 0) ELSE seenb[f][i]]

\* Dagger: lines j.. of the batch; a line is new when valid and its flag
\* differs from the seen bit.  a = [h, mask, val].
RECURSIVE DaggerScan(_, _)
DaggerScan(a, j) ==
    IF j = Batch THEN a
    ELSE LET slot == poll.slot + j
             l == buf[j]
         IN IF l.valid = 1 /\ l.flag # seenb[poll.flow][slot]
            THEN DaggerScan([h |-> Consume(a.h, l), mask |-> a.mask \cup {slot},
                             val |-> IF l.flag = 1 THEN a.val \cup {slot} ELSE a.val], j + 1)
            ELSE DaggerScan(a, j + 1)

\* Credit: take lines in order from the flow's position while each is
\* valid and carries the lap's phase.  a = [h, cur].
RECURSIVE CreditScan(_, _)
CreditScan(a, j) ==
    IF j = Batch THEN a
    ELSE LET slot == poll.slot + j
             l == buf[j]
         IN IF slot = a.cur % Slots /\ l.valid = 1 /\ (Bug = "phase-stuck" \/ l.flag = Phase(a.cur))
            THEN CreditScan([h |-> Consume(a.h, l), cur |-> a.cur + 1], j + 1)
            ELSE CreditScan(a, j + 1)

AdvancePoll ==
    IF poll.slot + Batch = Slots
    THEN [flow |-> (poll.flow + 1) % Flows, slot |-> 0, read |-> 0]
    ELSE [poll EXCEPT !.slot = @ + Batch, !.read = 0]

Process ==
    LET f == poll.flow
        d == DaggerScan([h |-> History(f), mask |-> {}, val |-> {}], 0)
        c == CreditScan([h |-> History(f), cur |-> next[f]], 0)
        h == IF Dagger THEN d.h ELSE c.h
        \* late-seen: the count is written one poll late; a previous
        \* count with an empty mask leaves pend as it was.
        landed == IF Dagger THEN pend.mask # {} ELSE pend.count # 0
        pf == pend.flow
        nextL == IF landed THEN [next EXCEPT ![pf] = (@ + pend.count) % 256] ELSE next
    IN /\ ~RX
       /\ Interface = "coherent"
       /\ poll.read = Batch
       /\ taken' = [taken EXCEPT ![f] = h.taken]
       /\ lastc' = [lastc EXCEPT ![f] = h.last]
       /\ bad' = h.bad
       /\ IF Dagger
          THEN /\ seenb' = IF landed THEN [seenb EXCEPT ![pf] = LandSeen(pf)] ELSE seenb
               /\ pend' = [flow |-> f, mask |-> d.mask, val |-> d.val, count |-> 0]
               /\ UNCHANGED next
          ELSE IF Bug = "late-seen"
          THEN \* Go's count is a uint8 taken after the landing: mod 256.
               /\ next' = nextL
               /\ pend' = [flow |-> f, mask |-> {}, val |-> {}, count |-> (c.cur - nextL[f] + 256) % 256]
               /\ UNCHANGED seenb
          ELSE /\ next' = [next EXCEPT ![f] = c.cur]
               /\ UNCHANGED <<seenb, pend>>
       /\ buf' = [j \in BufIds |-> Empty]
       /\ poll' = AdvancePoll
       /\ UNCHANGED <<ring, sent, store, credit, load, got>>
       /\ UNCHANGED ifaceVars

(***************************************************************************)
(* TX over doorbells: the producer writes a batch of slots, then rings an  *)
(* MMIO doorbell carrying how many RPCs are ready; the NIC DMA-reads the   *)
(* announced lines, each taken as new because the doorbell says so.        *)
(***************************************************************************)
Doorbell(f) ==
    /\ ~RX
    /\ MustRing(f)
    /\ rung' = [rung EXCEPT ![f] = sent[f]]
    /\ UNCHANGED <<ring, sent, store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend, bad, arrived>>

DmaRead(f) ==
    LET h == Consume(History(f), ring[f][next[f] % Slots]) IN
    /\ ~RX
    /\ Interface = "doorbell"
    /\ next[f] < rung[f]
    /\ taken' = [taken EXCEPT ![f] = h.taken]
    /\ lastc' = [lastc EXCEPT ![f] = h.last]
    /\ bad' = h.bad
    /\ next' = [next EXCEPT ![f] = @ + 1]
    /\ UNCHANGED <<ring, sent, store, seenb, credit, load, got, poll, buf, pend, rung, arrived>>

(***************************************************************************)
(* TX over MMIO: the CPU pushes each RPC into the NIC's window for its     *)
(* flow (slot 0 stands for it), and each write that arrives makes the NIC  *)
(* take the window.  Dagger's wide store is split in two halves (header    *)
(* and first arguments; the rest), credit's is one 64-byte store that      *)
(* waits for the NIC's credit.                                             *)
(***************************************************************************)
MmioWriteLo(f) ==
    LET k == sent[f] IN
    /\ ~RX
    /\ Interface = "mmio"
    /\ Dagger
    /\ store[f] = 0
    /\ k < RPCs
    /\ bad' = OverwriteBad(f, k, FALSE)
    /\ ring' = [ring EXCEPT ![f][0] = [@ EXCEPT !.valid = 1, !.flag = Phase(k), !.hdr = k + 1]]
    /\ sent' = [sent EXCEPT ![f] = k + 1]
    /\ store' = [store EXCEPT ![f] = 1]
    /\ arrived' = [arrived EXCEPT ![f] = @ + 1]
    /\ UNCHANGED <<seenb, next, credit, load, got, taken, lastc, poll, buf, pend, rung>>

\* The second half of RPC sent[f] - 1: its arguments, numbered from 1.
MmioWriteHi(f) ==
    /\ ~RX
    /\ Interface = "mmio"
    /\ store[f] = 1
    /\ ring' = [ring EXCEPT ![f][0].args = sent[f]]
    /\ store' = [store EXCEPT ![f] = 0]
    /\ arrived' = [arrived EXCEPT ![f] = @ + 1]
    /\ UNCHANGED <<sent, seenb, next, credit, load, got, taken, lastc, poll, buf, pend, bad, rung>>

MmioWrite(f) ==
    LET k == sent[f] IN
    /\ ~RX
    /\ Interface = "mmio"
    /\ ~Dagger
    /\ store[f] = 0
    /\ k < RPCs
    /\ Admits(f)
    /\ bad' = OverwriteBad(f, k, FALSE)
    /\ ring' = [ring EXCEPT ![f][0] = [valid |-> 1, flag |-> Phase(k), hdr |-> k + 1, args |-> k + 1]]
    /\ sent' = [sent EXCEPT ![f] = k + 1]
    /\ arrived' = [arrived EXCEPT ![f] = @ + 1]
    /\ UNCHANGED <<store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend, rung>>

MmioTake(f) ==
    LET h == Consume(History(f), ring[f][0]) IN
    /\ ~RX
    /\ Interface = "mmio"
    /\ arrived[f] > 0
    /\ taken' = [taken EXCEPT ![f] = h.taken]
    /\ lastc' = [lastc EXCEPT ![f] = h.last]
    /\ bad' = h.bad
    /\ arrived' = [arrived EXCEPT ![f] = @ - 1]
    /\ next' = [next EXCEPT ![f] = @ + 1]
    /\ UNCHANGED <<ring, sent, store, seenb, credit, load, got, poll, buf, pend, rung>>

(***************************************************************************)
(* RX.                                                                     *)
(***************************************************************************)
\* The NIC writes flow f's next response, a whole line; credit waits for
\* the host's credit, Dagger does not.
NicWrite(f) ==
    LET k == sent[f]
        held == load[f] = 2 /\ got[f].hdr = k - Slots + 1 /\ got[f].args = k - Slots + 1
    IN /\ RX
       /\ k < RPCs
       /\ IF Dagger THEN TRUE ELSE k < credit[f] + Slots   \* IF: see Admits
       /\ bad' = OverwriteBad(f, k, held)
       /\ ring' = [ring EXCEPT ![f][k % Slots] =
                     [valid |-> 1, flag |-> Phase(k), hdr |-> k + 1, args |-> k + 1]]
       /\ sent' = [sent EXCEPT ![f] = k + 1]
       /\ UNCHANGED <<store, seenb, next, credit, load, got, taken, lastc, poll, buf, pend>>
       /\ UNCHANGED ifaceVars

Fresh(f, slot, l) ==
    /\ l.valid = 1
    /\ IF Dagger THEN RpcID(l.hdr) + 1 # seenb[f][slot]
                 ELSE Bug = "rx-no-phase" \/ l.flag = Phase(next[f])

\* The host polls the header word of the line at its position; a line
\* that is not fresh leaves everything as it was (it polls again).
LoadHeader(f) ==
    LET slot == next[f] % Slots
        l == ring[f][slot]
    IN /\ RX
       /\ load[f] = 0
       /\ IF Fresh(f, slot, l)
          THEN /\ got' = [got EXCEPT ![f] = [valid |-> l.valid, flag |-> l.flag, hdr |-> l.hdr, args |-> 0]]
               /\ load' = [load EXCEPT ![f] = 1]
               /\ credit' = IF Bug = "rx-early-credit" /\ credit[f] <= next[f]
                            THEN [credit EXCEPT ![f] = next[f] + 1] ELSE credit
          ELSE UNCHANGED <<got, load, credit>>
       /\ UNCHANGED <<ring, sent, store, seenb, next, taken, lastc, poll, buf, pend, bad>>
       /\ UNCHANGED ifaceVars

LoadArgs(f) ==
    LET slot == next[f] % Slots
        g == [got[f] EXCEPT !.args = ring[f][slot].args]
        h == Consume(History(f), g)
    IN /\ RX
       /\ load[f] = 1
       /\ IF Dagger
          THEN \* Dagger takes the line now: no second look at the header.
               /\ taken' = [taken EXCEPT ![f] = h.taken]
               /\ lastc' = [lastc EXCEPT ![f] = h.last]
               /\ bad' = h.bad
               /\ seenb' = [seenb EXCEPT ![f][slot] = RpcID(g.hdr) + 1]
               /\ next' = [next EXCEPT ![f] = @ + 1]
               /\ load' = [load EXCEPT ![f] = 0]
               /\ got' = [got EXCEPT ![f] = Empty]
          ELSE /\ got' = [got EXCEPT ![f] = g]
               /\ load' = [load EXCEPT ![f] = 2]
               /\ UNCHANGED <<taken, lastc, bad, seenb, next>>
       /\ UNCHANGED <<ring, sent, store, credit, poll, buf, pend>>
       /\ UNCHANGED ifaceVars

\* Credit: re-check the header word; if the line changed, drop the copy
\* and read it again.
Recheck(f) ==
    LET l == ring[f][next[f] % Slots]
        g == got[f]
        same == l.valid = g.valid /\ l.flag = g.flag /\ l.hdr = g.hdr
        h == Consume(History(f), g)
    IN /\ RX
       /\ load[f] = 2
       /\ IF same
          THEN /\ taken' = [taken EXCEPT ![f] = h.taken]
               /\ lastc' = [lastc EXCEPT ![f] = h.last]
               /\ bad' = h.bad
               /\ next' = [next EXCEPT ![f] = @ + 1]
          ELSE UNCHANGED <<taken, lastc, bad, next>>
       /\ load' = [load EXCEPT ![f] = 0]
       /\ got' = [got EXCEPT ![f] = Empty]
       /\ UNCHANGED <<ring, sent, store, seenb, credit, poll, buf, pend>>
       /\ UNCHANGED ifaceVars

\* Each action is guarded by the ring it belongs to (RX or ~RX), so that
\* Next is a plain disjunction and TLC names every step's action.
Next ==
    \/ \E f \in FlowIds :
          \/ TxBegin(f) \/ TxStore(f) \/ ReturnCredit(f)
          \/ Doorbell(f) \/ DmaRead(f)
          \/ MmioWriteLo(f) \/ MmioWriteHi(f) \/ MmioWrite(f) \/ MmioTake(f)
          \/ NicWrite(f) \/ LoadHeader(f) \/ LoadArgs(f) \/ Recheck(f)
    \/ PollLine
    \/ Process

\* Every action weakly fair, per flow (Go: every action kind fair, per
\* argument tuple).
Fairness ==
    IF RX THEN \A f \in FlowIds : /\ WF_vars(NicWrite(f)) /\ WF_vars(LoadHeader(f))
                                  /\ WF_vars(LoadArgs(f)) /\ WF_vars(Recheck(f))
                                  /\ WF_vars(ReturnCredit(f))
    ELSE /\ \A f \in FlowIds : WF_vars(TxBegin(f)) /\ WF_vars(TxStore(f)) /\ WF_vars(ReturnCredit(f))
         /\ \A f \in FlowIds : WF_vars(Doorbell(f)) /\ WF_vars(DmaRead(f))
         /\ \A f \in FlowIds : /\ WF_vars(MmioWriteLo(f)) /\ WF_vars(MmioWriteHi(f))
                               /\ WF_vars(MmioWrite(f)) /\ WF_vars(MmioTake(f))
         /\ WF_vars(PollLine) /\ WF_vars(Process)

Spec == Init /\ [][Next]_vars /\ Fairness

(***************************************************************************)
(* Properties (names as in spec's catalogue).                              *)
(***************************************************************************)
TypeOK ==
    /\ ring \in [FlowIds -> [SlotIds -> Lines]]
    /\ sent \in [FlowIds -> 0 .. RPCs]
    /\ store \in [FlowIds -> 0 .. 3]
    /\ seenb \in [FlowIds -> [SlotIds -> 0 .. 16]]
    \* late-seen's late count can wrap below zero, as Go's uint8 does; a
    \* split MMIO store arrives twice, and the NIC takes the window each time.
    /\ next \in [FlowIds -> CASE Bug = "late-seen" -> 0 .. 255
                               [] Interface = "mmio" -> 0 .. 2 * RPCs
                               [] OTHER -> 0 .. RPCs]
    /\ credit \in [FlowIds -> 0 .. RPCs]
    /\ load \in [FlowIds -> 0 .. 2]
    /\ got \in [FlowIds -> Lines]
    /\ taken \in [FlowIds -> SUBSET RpcIds]
    /\ lastc \in [FlowIds -> 0 .. RPCs]
    /\ poll \in [flow: FlowIds, slot: SlotIds, read: 0 .. Batch]
    /\ buf \in [BufIds -> Lines]
    /\ pend \in [flow: FlowIds, mask: SUBSET SlotIds, val: SUBSET SlotIds, count: 0 .. 255]
    /\ bad \subseteq {"duplicate", "torn", "overwrite", "loss", "order"}
    /\ rung \in [FlowIds -> 0 .. RPCs]
    /\ arrived \in [FlowIds -> 0 .. 2 * RPCs]

NoDuplicate == "duplicate" \notin bad   \* no RPC consumed twice
NoTornRead == "torn" \notin bad         \* every line consumed has header and arguments of one RPC
NoOverwrite == "overwrite" \notin bad   \* no producer overwrites an unconsumed line
NoLoss == "loss" \notin bad             \* no RPC overwritten before the consumer copied it
FifoOrder == "order" \notin bad         \* each flow's RPCs consumed in order

AllConsumed == \A f \in FlowIds : taken[f] = RpcIds

\* Some ring holds a completely written RPC that has not been consumed.
Waiting ==
    \E f \in FlowIds, i \in SlotIds :
        LET l == ring[f][i] IN
        /\ l.valid = 1 /\ l.hdr # 0 /\ l.hdr = l.args /\ (l.hdr - 1) \notin taken[f]
        /\ ~(~RX /\ store[f] # 0 /\ l.hdr = sent[f])   \* its write is still in progress

\* With doorbells or MMIO nothing polls, so once the producers have
\* written everything no action may be enabled: the end of the run, not a
\* deadlock (Go: Terminal).  Configs of those interfaces turn TLC's
\* deadlock check off and check DeadlockFree instead.
Terminated == \A f \in FlowIds : sent[f] = RPCs /\ store[f] = 0
DeadlockFree == Terminated \/ ENABLED Next

EventuallyConsumed == <>AllConsumed
NoStall == Waiting ~> ~Waiting
=============================================================================
