----------------------------- MODULE Coherence -----------------------------
(***************************************************************************)
(* The coherence handshake under Dagger's rings: the CPU's cache (0), the  *)
(* NIC's cache (1) and the home agent (2: directory and memory) exchanging *)
(* messages, for Lines cache lines.  This is the state machine of          *)
(* model/coherence, written so that TLC and the Go checker explore the    *)
(* same graph: every Go state is one TLA+ state and every successor the Go *)
(* model emits is one successor here, so the distinct-state count, the     *)
(* generated-state count and the depth agree (tla/README.md, "Parity").    *)
(*                                                                         *)
(* The transition tables are in model/coherence/doc.go; the comments here  *)
(* say where the TLA+ encoding differs in form from the Go code.          *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Lines,    \* cache lines (Go: lines)
    Values,   \* distinct values a store may write (Go: values)
    Writes,   \* stores each cache may perform in all (Go: writes)
    MSI,      \* TRUE: MSI; FALSE: MESI (Go: protocol)
    Ordered,  \* TRUE: FIFO channels; FALSE: an unordered multiset (Go: channels)
    Bug       \* "none" or a name from model/coherence's catalogue

ASSUME Lines \in 1..3 /\ Values \in 1..3 /\ Writes \in 1..4
ASSUME MSI \in BOOLEAN /\ Ordered \in BOOLEAN
ASSUME Bug \in {"none", "no-invalidate", "upgrade-with-sharer", "lost-writeback",
                "early-put-ack", "drop-ack", "single-vnet"}
ASSUME Bug = "single-vnet" => Ordered

Caches == {0, 1}
Home == 2
LineIds == 0 .. (Lines - 1)
Vals == 0 .. Values
Other(c) == 1 - c

LineStates == {"I", "S", "E", "M", "IS_D", "IM_D", "SM_A", "MI_A", "EI_A", "SI_A", "II_A"}
Readable(st) == st \in {"S", "E", "M", "SM_A"}
HasData(st) == Readable(st) \/ st \in {"MI_A", "EI_A"}
Transient(st) == st \in {"IS_D", "IM_D", "SM_A", "MI_A", "EI_A", "SI_A", "II_A"}

\* Message types by network, as in model/coherence/msg.go.
Requests == {"GetS", "GetM", "Upg", "PutS", "PutE", "PutM"}
WriteBacks == {"PutS", "PutE", "PutM"}
Responses == {"InvAck", "SnoopResp", "SnoopAck"}
ToCache == {"DataS", "DataE", "DataM", "UpgAck", "Inv", "FwdGetS", "FwdGetM", "PutAck"}
DataTypes == {"PutM", "SnoopResp", "DataS", "DataE", "DataM"}

\* Every message the protocol can put in flight (a message without data
\* carries val 0, so equal messages are equal values).
Msgs ==
       [from: Caches, to: {Home}, type: Requests \cup Responses, line: LineIds, val: {0}]
  \cup [from: Caches, to: {Home}, type: {"PutM", "SnoopResp"}, line: LineIds, val: Vals]
  \cup [from: {Home}, to: Caches, type: ToCache, line: LineIds, val: {0}]
  \cup [from: {Home}, to: Caches, type: {"DataS", "DataE", "DataM"}, line: LineIds, val: Vals]

Msg(f, t, ty, l, v) == [from |-> f, to |-> t, type |-> ty, line |-> l, val |-> v]

DirStates == {"I", "S", "EM"}
BusyStates == {"Idle", "WaitFwdS", "WaitFwdM", "WaitInvGetM", "WaitInvUpg"}

VARIABLES
    cache,   \* cache[c][l]: [st, val]; val is 0 unless HasData(st)    (Go: State.Cache)
    dir,     \* dir[l]: [st, holders, mem, busy, req]                    (Go: State.Dir)
    net,     \* the messages in flight                                   (Go: State.Net, State.N)
    writes,  \* writes[c]: stores cache c may still perform             (Go: State.Writes)
    last,    \* last[l]: the value last written to line l (ghost)        (Go: State.Last)
    writer,  \* writer[l]: 0 nobody, 1 cpu, 2 nic (ghost)               (Go: State.Writer)
    seen,    \* caches that read a value the other cache wrote (ghost)   (Go: State.Seen)
    bad      \* the safety properties a step broke (ghost)               (Go: State.Bad)

vars == <<cache, dir, net, writes, last, writer, seen, bad>>

(***************************************************************************)
(* The network.  Unordered, it is a multiset: a function from the          *)
(* messages in flight to their multiplicities, so equal multisets are      *)
(* equal values (Go keeps a sorted array).  Ordered, it is a function from *)
(* every channel to its FIFO; a channel is the source, the destination     *)
(* and, towards the home, the network (requests or responses).             *)
(***************************************************************************)
Channels == 0 .. 23
Channel(x) ==
    LET vnet == IF x.type \in Responses /\ Bug # "single-vnet" THEN 1 ELSE 0
    IN x.from * 8 + x.to * 2 + vnet

EmptyNet == IF Ordered THEN [ch \in Channels |-> <<>>] ELSE [x \in {} |-> 0]

Send(n, x) ==
    IF Ordered THEN [n EXCEPT ![Channel(x)] = Append(@, x)]
    ELSE IF x \in DOMAIN n THEN [n EXCEPT ![x] = @ + 1]
    ELSE [y \in DOMAIN n \cup {x} |-> IF y = x THEN 1 ELSE n[y]]

\* Sends every message of the sequence xs, in order (at most one here).
SendAll(n, xs) ==
    IF xs = <<>> THEN n ELSE Send(n, Head(xs))

Remove(n, x) ==
    IF Ordered THEN [n EXCEPT ![Channel(x)] = Tail(@)]
    ELSE IF n[x] = 1 THEN [y \in DOMAIN n \ {x} |-> n[y]]
    ELSE [n EXCEPT ![x] = @ - 1]

\* The messages that may be received now (if the receiver does not leave
\* them waiting): any message of an unordered network, the head of each
\* FIFO of an ordered one.
Deliverable ==
    IF Ordered THEN {Head(net[ch]) : ch \in {ch \in Channels : net[ch] # <<>>}}
    ELSE DOMAIN net

InFlight ==
    IF Ordered THEN UNION {{net[ch][i] : i \in DOMAIN net[ch]} : ch \in Channels}
    ELSE DOMAIN net

MsgCount ==
    IF Ordered THEN LET Sum[S \in SUBSET Channels] ==
                            IF S = {} THEN 0
                            ELSE LET ch == CHOOSE ch \in S : TRUE
                                 IN Len(net[ch]) + Sum[S \ {ch}]
                    IN Sum[Channels]
    ELSE LET Sum[S \in SUBSET DOMAIN net] ==
                 IF S = {} THEN 0
                 ELSE LET x == CHOOSE x \in S : TRUE IN net[x] + Sum[S \ {x}]
         IN Sum[DOMAIN net]

(***************************************************************************)
(* Initial state: every line invalid everywhere, memory 0, nothing in      *)
(* flight.                                                                 *)
(***************************************************************************)
Init ==
    /\ cache = [c \in Caches |-> [l \in LineIds |-> [st |-> "I", val |-> 0]]]
    /\ dir = [l \in LineIds |-> [st |-> "I", holders |-> {}, mem |-> 0, busy |-> "Idle", req |-> 0]]
    /\ net = EmptyNet
    /\ writes = [c \in Caches |-> Writes]
    /\ last = [l \in LineIds |-> 0]
    /\ writer = [l \in LineIds |-> 0]
    /\ seen = {}
    /\ bad = {}

\* A load by cache c of value v on line l: the data-value invariant is
\* judged on what the load returns (Go: read).
ReadSeen(c, l, v) == IF v = last[l] /\ writer[l] = Other(c) + 1 THEN seen \cup {c} ELSE seen
ReadBad(l, v) == IF v # last[l] THEN bad \cup {"stale"} ELSE bad

(***************************************************************************)
(* A cache's own steps on line l (Go: cacheSteps).                         *)
(***************************************************************************)
Load(c, l) ==
    /\ Readable(cache[c][l].st)
    /\ seen' = ReadSeen(c, l, cache[c][l].val)
    /\ bad' = ReadBad(l, cache[c][l].val)
    /\ UNCHANGED <<cache, dir, net, writes, last, writer>>

Store(c, l, v) ==
    /\ cache[c][l].st \in {"E", "M"}
    /\ writes[c] > 0
    /\ writes' = [writes EXCEPT ![c] = @ - 1]
    /\ cache' = [cache EXCEPT ![c][l] = [st |-> "M", val |-> v]]
    /\ last' = [last EXCEPT ![l] = v]
    /\ writer' = [writer EXCEPT ![l] = c + 1]
    /\ UNCHANGED <<dir, net, seen, bad>>

\* The cache goes to transient state st (keeping its value if st keeps
\* data) and sends a request or write-back of type ty to the home.
Request(c, l, st, ty, v) ==
    /\ cache' = [cache EXCEPT ![c][l] = [st |-> st, val |-> IF HasData(st) THEN @.val ELSE 0]]
    /\ net' = Send(net, Msg(c, Home, ty, l, v))

LoadMiss(c, l) ==
    /\ cache[c][l].st = "I"
    /\ Request(c, l, "IS_D", "GetS", 0)
    /\ UNCHANGED <<dir, writes, last, writer, seen, bad>>

\* A store miss reserves its store.
StoreMiss(c, l) ==
    /\ cache[c][l].st \in {"I", "S"}
    /\ writes[c] > 0
    /\ IF cache[c][l].st = "I" THEN Request(c, l, "IM_D", "GetM", 0)
                               ELSE Request(c, l, "SM_A", "Upg", 0)
    /\ writes' = [writes EXCEPT ![c] = @ - 1]
    /\ UNCHANGED <<dir, last, writer, seen, bad>>

Evict(c, l) ==
    /\ cache[c][l].st \in {"S", "E", "M"}
    /\ CASE cache[c][l].st = "S" -> Request(c, l, "SI_A", "PutS", 0)
         [] cache[c][l].st = "E" -> Request(c, l, "EI_A", "PutE", 0)
         [] cache[c][l].st = "M" -> Request(c, l, "MI_A", "PutM", cache[c][l].val)
    /\ UNCHANGED <<dir, writes, last, writer, seen, bad>>

(***************************************************************************)
(* A cache receives message x (Go: cacheRecv).  A message that overtook    *)
(* the grant it follows is left waiting (the action is disabled); one that *)
(* no table entry covers is taken and marks the state.                     *)
(***************************************************************************)
CacheWaits(x) ==
    LET st == cache[x.to][x.line].st IN
    \/ x.type = "Inv" /\ st = "IS_D"
    \/ x.type \in {"FwdGetS", "FwdGetM"} /\ st \in {"IS_D", "IM_D", "SM_A"}

CacheExpects(x) ==
    LET st == cache[x.to][x.line].st IN
    CASE x.type \in {"DataS", "DataE"} -> st = "IS_D"
      [] x.type = "DataM" -> st = "IM_D"
      [] x.type = "UpgAck" -> st = "SM_A"
      [] x.type = "Inv" -> st \in {"S", "SM_A", "SI_A"}
      [] x.type \in {"FwdGetS", "FwdGetM"} -> st \in {"M", "E", "MI_A", "EI_A"}
      [] x.type = "PutAck" -> st \in {"MI_A", "EI_A", "SI_A", "II_A"}
      [] OTHER -> FALSE

CacheUnexpected(x) ==
    /\ ~CacheWaits(x)
    /\ ~CacheExpects(x)
    /\ net' = Remove(net, x)
    /\ bad' = bad \cup {"unexpected"}
    /\ UNCHANGED <<cache, dir, writes, last, writer, seen>>

CacheData(x) ==
    LET c == x.to
        l == x.line
    IN /\ x.type \in {"DataS", "DataE"}
       /\ CacheExpects(x)
       /\ cache' = [cache EXCEPT ![c][l] = [st |-> IF x.type = "DataE" THEN "E" ELSE "S", val |-> x.val]]
       /\ net' = Remove(net, x)
       /\ seen' = ReadSeen(c, l, x.val)   \* the load that missed
       /\ bad' = ReadBad(l, x.val)
       /\ UNCHANGED <<dir, writes, last, writer>>

\* The store that missed, with its reserved write, of value v.
CacheGrant(x, v) ==
    LET c == x.to
        l == x.line
    IN /\ x.type \in {"DataM", "UpgAck"}
       /\ CacheExpects(x)
       /\ cache' = [cache EXCEPT ![c][l] = [st |-> "M", val |-> v]]
       /\ last' = [last EXCEPT ![l] = v]
       /\ writer' = [writer EXCEPT ![l] = c + 1]
       /\ net' = Remove(net, x)
       /\ UNCHANGED <<dir, writes, seen, bad>>

CacheInv(x) ==
    LET c == x.to
        l == x.line
        st == cache[c][l].st
        next == CASE st = "S" -> "I" [] st = "SM_A" -> "IM_D" [] st = "SI_A" -> "II_A"
    IN /\ x.type = "Inv"
       /\ CacheExpects(x)
       /\ cache' = [cache EXCEPT ![c][l] = [st |-> next, val |-> 0]]
       /\ net' = Send(Remove(net, x), Msg(c, Home, "InvAck", l, 0))
       /\ UNCHANGED <<dir, writes, last, writer, seen, bad>>

CacheSnoop(x) ==
    LET c == x.to
        l == x.line
        cl == cache[c][l]
        keep == x.type = "FwdGetS"
        next == CASE cl.st \in {"M", "E"} -> IF keep THEN "S" ELSE "I"
                  [] OTHER -> IF keep THEN "SI_A" ELSE "II_A"
        answer == IF cl.st = "MI_A" /\ Bug = "lost-writeback"
                  THEN Msg(c, Home, "SnoopAck", l, 0)
                  ELSE Msg(c, Home, "SnoopResp", l, cl.val)
    IN /\ x.type \in {"FwdGetS", "FwdGetM"}
       /\ CacheExpects(x)
       /\ cache' = [cache EXCEPT ![c][l] = [st |-> next, val |-> IF HasData(next) THEN cl.val ELSE 0]]
       /\ net' = Send(Remove(net, x), answer)
       /\ UNCHANGED <<dir, writes, last, writer, seen, bad>>

CachePutAck(x) ==
    /\ x.type = "PutAck"
    /\ CacheExpects(x)
    /\ cache' = [cache EXCEPT ![x.to][x.line] = [st |-> "I", val |-> 0]]
    /\ net' = Remove(net, x)
    /\ UNCHANGED <<dir, writes, last, writer, seen, bad>>

(***************************************************************************)
(* The home receives message x (Go: homeRecv and its helpers).  Each       *)
(* helper returns what the step does to the line as a record:              *)
(* [d: the new directory entry, out: the messages sent (a sequence of at   *)
(* most one), unexp: whether it marks no-unexpected-message].             *)
(***************************************************************************)
Owner(d) == IF d.holders = {1} THEN 1 ELSE 0

Outcome(d, out, unexp) == [d |-> d, out |-> out, unexp |-> unexp]

\* grant: DataS adds r to the sharers; DataE, DataM and UpgAck make r the
\* owner.
Grant(d, r, l, ty, v) ==
    Outcome(IF ty = "DataS" THEN [d EXCEPT !.st = "S", !.holders = @ \cup {r}]
                            ELSE [d EXCEPT !.st = "EM", !.holders = {r}],
            <<Msg(Home, r, ty, l, v)>>, FALSE)

\* wait: send ty (Inv or a snoop) to the other cache; busy until it answers.
Wait(d, r, l, ty, busy) ==
    Outcome([d EXCEPT !.busy = busy, !.req = r], <<Msg(Home, Other(r), ty, l, 0)>>, FALSE)

Unexpected(d) == Outcome(d, <<>>, TRUE)

GetS(d, r, l) ==
    CASE d.st = "I" /\ ~MSI -> Grant(d, r, l, "DataE", d.mem)
      [] d.st \in {"I", "S"} -> Grant(d, r, l, "DataS", d.mem)
      [] Owner(d) = r -> Unexpected(d)
      [] OTHER -> Wait(d, r, l, "FwdGetS", "WaitFwdS")

GetM(d, r, l) ==
    CASE d.st = "I" -> Grant(d, r, l, "DataM", d.mem)
      [] d.st = "S" /\ (d.holders \ {r} = {} \/ Bug = "no-invalidate") -> Grant(d, r, l, "DataM", d.mem)
      [] d.st = "S" -> Wait(d, r, l, "Inv", "WaitInvGetM")
      [] Owner(d) = r -> Unexpected(d)
      [] OTHER -> Wait(d, r, l, "FwdGetM", "WaitFwdM")

Upgrade(d, r, l) ==
    IF d.holders = {r} \/ Bug = "upgrade-with-sharer"
    THEN Grant(d, r, l, "UpgAck", 0)
    ELSE Wait(d, r, l, "Inv", "WaitInvUpg")

\* A write-back: from the owner it ends the ownership (PutM brings the
\* data home); from a sharer it removes the sharer; anything else is stale
\* and only acknowledged.
Put(d, r, l, x) ==
    LET d2 == CASE d.st = "EM" /\ Owner(d) = r /\ x.type # "PutS" ->
                     [d EXCEPT !.mem = IF x.type = "PutM" THEN x.val ELSE @, !.st = "I", !.holders = {}]
                [] d.st = "S" /\ r \in d.holders ->
                     [d EXCEPT !.holders = @ \ {r}, !.st = IF d.holders \ {r} = {} THEN "I" ELSE "S"]
                [] OTHER -> d
        noAck == d.st = "S" /\ r \in d.holders /\ d.holders \ {r} # {}
                 /\ x.type = "PutS" /\ Bug = "drop-ack"
    IN Outcome(d2, IF noAck THEN <<>> ELSE <<Msg(Home, r, "PutAck", l, 0)>>, FALSE)

Awaited(d, r, ty) ==
    /\ d.busy # "Idle"
    /\ r = Other(d.req)
    /\ IF d.busy \in {"WaitFwdS", "WaitFwdM"} THEN ty \in {"SnoopResp", "SnoopAck"}
                                               ELSE ty = "InvAck"

\* The awaited response x from the other cache ends the transaction.
Complete(d, l, x) ==
    LET r == d.req
        o == x.from
        idle == [d EXCEPT !.busy = "Idle", !.req = 0]
        data == IF x.type = "SnoopAck" THEN d.mem ELSE x.val
    IN CASE d.busy = "WaitFwdS" ->
              Grant([idle EXCEPT !.mem = data, !.st = "S", !.holders = {o}], r, l, "DataS", data)
         [] d.busy = "WaitFwdM" -> Grant(idle, r, l, "DataM", data)
         [] d.busy = "WaitInvGetM" -> Grant(idle, r, l, "DataM", d.mem)
         [] d.busy = "WaitInvUpg" -> Grant(idle, r, l, "UpgAck", 0)

\* Whether the home takes x now: a busy line leaves requests and
\* write-backs waiting (early-put-ack: not write-backs).
\* (Written with IF, not \/: TLC explores each true disjunct of an action
\* separately, which would count one successor twice; tla/README.md.)
HomeTakes(x) ==
    IF x.type \in Responses \/ dir[x.line].busy = "Idle" THEN TRUE
    ELSE x.type \in WriteBacks /\ Bug = "early-put-ack"

HomeOutcome(x) ==
    LET d == dir[x.line]
        r == x.from
        l == x.line
    IN CASE x.type \in Responses ->
              IF Awaited(d, r, x.type) THEN Complete(d, l, x) ELSE Unexpected(d)
         [] x.type = "GetS" -> GetS(d, r, l)
         [] x.type = "GetM" -> GetM(d, r, l)
         [] x.type = "Upg" ->
              IF d.st = "S" /\ r \in d.holders THEN Upgrade(d, r, l) ELSE GetM(d, r, l)
         [] x.type \in WriteBacks -> Put(d, r, l, x)
         [] OTHER -> Unexpected(d)

HomeRecv(x) ==
    /\ x.to = Home
    /\ HomeTakes(x)
    /\ LET o == HomeOutcome(x) IN
       /\ dir' = [dir EXCEPT ![x.line] = o.d]
       /\ net' = SendAll(Remove(net, x), o.out)
       /\ bad' = IF o.unexp THEN bad \cup {"unexpected"} ELSE bad
    /\ UNCHANGED <<cache, writes, last, writer, seen>>

CacheRecv(x) ==
    /\ x.to \in Caches
    /\ \/ CacheData(x)
       \/ \E v \in 1 .. Values : CacheGrant(x, v)
       \/ CacheInv(x)
       \/ CacheSnoop(x)
       \/ CachePutAck(x)
       \/ CacheUnexpected(x)

Recv(x) == x \in Deliverable /\ (HomeRecv(x) \/ CacheRecv(x))

Next ==
    \/ \E c \in Caches, l \in LineIds :
          \/ Load(c, l)
          \/ \E v \in 1 .. Values : Store(c, l, v)
          \/ LoadMiss(c, l)
          \/ StoreMiss(c, l)
          \/ Evict(c, l)
    \/ \E x \in Deliverable : HomeRecv(x) \/ CacheRecv(x)

\* Weak fairness of each message's receipt (Go: fairness of the actions
\* home-recv and cache-recv, whose arguments name the message).  The
\* caches' own steps need none: a cache may stop at any time.
Fairness == \A x \in Msgs : WF_vars(Recv(x))

Spec == Init /\ [][Next]_vars /\ Fairness

(***************************************************************************)
(* Properties (names as in spec's catalogue).                              *)
(***************************************************************************)
TypeOK ==
    /\ cache \in [Caches -> [LineIds -> [st: LineStates, val: Vals]]]
    /\ \A c \in Caches, l \in LineIds : ~HasData(cache[c][l].st) => cache[c][l].val = 0
    /\ dir \in [LineIds -> [st: DirStates, holders: SUBSET Caches, mem: Vals,
                            busy: BusyStates, req: Caches]]
    /\ \A l \in LineIds : dir[l].busy = "Idle" => dir[l].req = 0
    /\ IF Ordered THEN net \in [Channels -> Seq(Msgs)]
                  ELSE DOMAIN net \subseteq Msgs /\ \A x \in DOMAIN net : net[x] \in Nat \ {0}
    /\ MsgCount <= 8 * Lines
    /\ writes \in [Caches -> 0 .. Writes]
    /\ last \in [LineIds -> Vals]
    /\ writer \in [LineIds -> 0 .. 2]
    /\ seen \subseteq Caches
    /\ bad \subseteq {"stale", "unexpected"}

\* swmr: on every line, a cache that may write (E or M) is the only one
\* holding a readable copy.
SWMR ==
    \A l \in LineIds, c \in Caches :
        cache[c][l].st \in {"E", "M"} => ~Readable(cache[Other(c)][l].st)

\* data-value: every load returned the value last written to its line.
DataValue == "stale" \notin bad

\* no-unexpected-message: no message arrived where no transition takes it.
NoUnexpectedMessage == "unexpected" \notin bad

\* requests-complete: the CPU's request on line 0 eventually completes
\* (by symmetry, Go's model/coherence/props.go, it stands for every cache
\* and line).
RequestsComplete ==
    Transient(cache[0][0].st) ~> ~Transient(cache[0][0].st)

\* Every cache request on every line completes: stronger in form than
\* RequestsComplete, the same by symmetry.
AllRequestsComplete ==
    \A c \in Caches, l \in LineIds :
        Transient(cache[c][l].st) ~> ~Transient(cache[c][l].st)
=============================================================================
