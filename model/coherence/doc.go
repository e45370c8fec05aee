// Package coherence models the coherence handshake under Dagger's rings:
// the CPU's cache, the NIC's cache and the home agent (directory and
// memory) exchanging messages over an interconnect, for `lines` cache
// lines. It is the state machine tla/ specifies.
//
// The protocol is a textbook directory protocol (Sorin, Hill and Wood, "A
// Primer on Memory Consistency and Cache Coherence", ch. 8), MESI or MSI,
// cut down to two caches, with the home collecting invalidation
// acknowledgements and snoop data itself, and blocking: while it waits on
// a line it leaves that line's requests and write-backs in the network.
// A cache has at most one request per line outstanding; a store miss
// performs its store, with any of `values` values, when the grant
// arrives; each cache may store `writes` times; a cache may load a
// readable line, or evict a line it holds stably, at any time.
//
// Cache, per line (a copy's value travels with it; "x->Y": send x, go to Y):
//
//	state  load        store        evict        Inv           FwdGetS | FwdGetM          grant, PutAck
//	I      GetS->IS_D  GetM->IM_D   -            -             -                          -
//	S      hit         Upg->SM_A    PutS->SI_A   InvAck->I     -                          -
//	E      hit         hit, ->M     PutE->EI_A   -             data->S | data->I          -
//	M      hit         hit          PutM->MI_A   -             data->S | data->I          -
//	IS_D   -           -            -            wait          wait (DataE in flight)     DataS: ->S, DataE: ->E; the load
//	IM_D   -           -            -            -             wait                       DataM: ->M; the store
//	SM_A   hit         -            -            InvAck->IM_D  wait                       UpgAck: ->M; the store
//	MI_A   -           -            -            -             data->SI_A | data->II_A    PutAck: ->I
//	EI_A   -           -            -            -             data->SI_A | data->II_A    PutAck: ->I
//	SI_A   -           -            -            InvAck->II_A  -                          PutAck: ->I
//	II_A   -           -            -            -             -                          PutAck: ->I
//
// ("wait": the message overtook the grant it follows, which only an
// unordered network allows, and stays in the network until the grant has
// arrived; "-": no transition, and a message arriving there breaks
// no-unexpected-message.)
//
// Home, per line (r the requester, o the other cache; "wait X": the line
// is busy until X arrives from o):
//
//	dir    GetS from r              GetM, or Upg from non-sharer   Upg from sharer r       Put* from r
//	I      DataE->EM(r)             DataM->EM(r)                   -                       (stale) PutAck
//	       (MSI: DataS->S{r})
//	S      DataS, add r             if o shares: Inv, wait         if o shares: Inv, wait  remove r, PutAck
//	                                InvAck; then DataM->EM(r)      InvAck; then UpgAck
//	                                                               ->EM(r)
//	EM(o)  FwdGetS, wait data,      FwdGetM, wait data,            -                       from the owner: PutM
//	       then DataS->S{r,o}       then DataM->EM(r)                                      or PutE ->I, PutAck
//	busy   left in the network      left in the network            left in the network     left in the network
//
// The network is unordered (a sorted multiset: equal multisets are equal
// states) or ordered (a FIFO per source, destination and network, with
// requests and responses to the home on separate networks, as real
// directory protocols do; bug single-vnet shows why).
//
// Properties (names and descriptions from spec's catalogue): swmr,
// data-value, no-unexpected-message, requests-complete (under weak
// fairness of each message's receipt), both-read-written-value and, for
// MESI, exclusive-granted. Bugs lists the mutations and the property that
// catches each.
//
// Read State first, then cacheSteps and cacheRecv (cache.go) and homeRecv
// (home.go). The package imports checker and spec only.
package coherence
