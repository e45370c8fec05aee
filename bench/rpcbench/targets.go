package rpcbench

// Targets is every stack rpcbench knows, in the order a run takes them.
func Targets() []Target {
	return []Target{GRPC(), NetRPC()}
}
